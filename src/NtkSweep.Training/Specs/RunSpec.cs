namespace NtkSweep.Training.Specs;

public enum DataKind
{
    Teacher,
    Luo1D,
}

public enum TeacherDirections
{
    Random,
    Axis,
}

public enum StepRule
{
    Adaptive,
    Fixed,
}

/// <summary>
/// One training run, fully specified. Immutable; build it through <see cref="RunSpecBuilder"/> or
/// <see cref="RunSpecJson"/>, which fill defaults and validate. Field names are the canonical JSON names and the
/// sweep-file keys; the CLI options are their kebab-case forms.
/// </summary>
/// <remarks>
/// The parametrization is kept in the form the user gave it (preset, Luo coordinates, Geiger's output scale, or
/// explicit scales): it is part of what a run means, and <see cref="Parametrization.Resolve"/> turns it into
/// (α, β1, β2) for the run's width.
/// </remarks>
public sealed record RunSpec
{
    public required DataKind Data { get; init; }

    /// <summary>Input dimension d (1 for the Luo 1-D task).</summary>
    public required int InputDim { get; init; }

    /// <summary>Number of teacher neurons k (teacher data only).</summary>
    public int Teachers { get; init; }

    public TeacherDirections TeacherDirections { get; init; }

    /// <summary>Teacher output weights a*_i, one per teacher (teacher data only).</summary>
    public IReadOnlyList<double> TeacherSigns { get; init; } = [];

    public required int TrainSamples { get; init; }

    public required int TestSamples { get; init; }

    /// <summary>Standard deviation of Gaussian noise added to training labels.</summary>
    public double LabelNoise { get; init; }

    /// <summary>Whether inputs carry a constant 1 (x̃ = (x, 1)), i.e. neurons have a bias.</summary>
    public required bool Bias { get; init; }

    public required int Width { get; init; }

    public required Parametrization Parametrization { get; init; }

    /// <summary>Mirror each neuron with output weight −a so that the initial network is identically zero.</summary>
    public bool Antisymmetric { get; init; }

    public double WeightDecay { get; init; }

    public StepRule StepRule { get; init; }

    /// <summary>The step size for <see cref="Specs.StepRule.Fixed"/>.</summary>
    public double LearningRate { get; init; }

    /// <summary>For the adaptive rule: η = stepScale / (curvature of the loss).</summary>
    public double StepScale { get; init; }

    public required int MaxSteps { get; init; }

    /// <summary>Training stops when the train loss falls below this (0 disables it).</summary>
    public required double LossTolerance { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>Number of input channels of the network: d, plus one when the bias is folded in.</summary>
    public int InputChannels => InputDim + (Bias ? 1 : 0);

    public ResolvedParametrization Resolve() => Parametrization.Resolve(Width, InputDim);

    public string ToCanonicalJson() => RunSpecJson.ToCanonicalJson(this);

    public bool Equals(RunSpec? other) =>
        other is not null && string.Equals(ToCanonicalJson(), other.ToCanonicalJson(), StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToCanonicalJson());
}
