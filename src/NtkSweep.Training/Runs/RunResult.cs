using NtkSweep.Training.Metrics;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

public enum RunStatus
{
    /// <summary>The train loss fell below the tolerance.</summary>
    Converged,

    /// <summary>The step budget ran out first.</summary>
    Budget,

    /// <summary>The loss became NaN or infinite; metrics are those of the last finite state.</summary>
    Diverged,
}

public enum StopReason
{
    LossTolerance,
    StepBudget,
    NonFiniteLoss,

    /// <summary>The adaptive step was halved 40 times in a row without the objective falling.</summary>
    StepSizeCollapse,
}

/// <summary>One point of the log-spaced loss curve.</summary>
public readonly record struct LossPoint(int Step, double TrainLoss, double TestLoss);

/// <summary>Everything one run measures (SCIENCE.md §4). Timings are the only fields that vary between reruns.</summary>
public sealed record RunResult
{
    public required RunSpec Spec { get; init; }

    public required RunStatus Status { get; init; }

    public required StopReason StopReason { get; init; }

    /// <summary>Accepted gradient steps.</summary>
    public required int Steps { get; init; }

    /// <summary>Steps the adaptive rule undid because they raised the objective.</summary>
    public int RejectedSteps { get; init; }

    public required double TrainLoss { get; init; }

    public required double TestLoss { get; init; }

    public required double InitialTrainLoss { get; init; }

    /// <summary>‖W_T − W_0‖_F / ‖W_0‖_F (bias included).</summary>
    public required double RdW { get; init; }

    /// <summary>‖a_T − a_0‖ / ‖a_0‖.</summary>
    public required double RdA { get; init; }

    /// <summary>‖K_T − K_0‖_F / ‖K_0‖_F of the empirical NTK on the training set.</summary>
    public required double KernelChange { get; init; }

    public required double AlignmentStart { get; init; }

    public required double AlignmentEnd { get; init; }

    /// <summary>Test loss of the linearized model f₀ + ∇f₀·(θ − θ₀), trained with the same steps.</summary>
    public required double LinearizedTestLoss { get; init; }

    /// <summary>
    /// √mean over the test set of (F − F_lin)²: how far the trained function is from its linearization, the quantity
    /// Chizat et al.'s 1/α law is about (the loss gap can change sign and mixes in the residual).
    /// </summary>
    public double LinearizationDistance { get; init; }

    /// <summary>
    /// D_f = √mean over the test set of (F − F_ker)² / √mean(y²): the distance of the trained function from the
    /// infinite-width NTK predictor trained from the net's own f₀ with the same step sizes (SCIENCE.md §6). Lazy nets
    /// approach it like m^−½. Null with weight decay toward 0, which has no fixed-kernel limit.
    /// </summary>
    public double? KernelLimitDistance { get; init; }

    /// <summary>Test loss of that infinite-width kernel predictor; null with weight decay.</summary>
    public double? KernelLimitTestLoss { get; init; }

    public required double FarMass { get; init; }

    public required IReadOnlyList<TeacherCluster> TeacherClusters { get; init; }

    public required double Condensation { get; init; }

    /// <summary>λ·Σ_t η_t: weight decay alone pulls a net out of the lazy regime when this is ≳ 1.</summary>
    public required double DecayBudget { get; init; }

    public required double FinalStepSize { get; init; }

    public required double Alpha { get; init; }

    public required double Beta1 { get; init; }

    public required double Beta2 { get; init; }

    public required double Gamma { get; init; }

    public required double GammaPrime { get; init; }

    public required KernelPath KernelPath { get; init; }

    public required IReadOnlyList<LossPoint> LossCurve { get; init; }

    public required IReadOnlyList<NeuronPoint> Neurons { get; init; }

    public required double WallSeconds { get; init; }

    public required double StepsPerSecond { get; init; }

    /// <summary>Of <see cref="WallSeconds"/>, the time spent measuring (NTKs, linearized model, loss curve, final metrics).</summary>
    public double MetricSeconds { get; init; }

    /// <summary>|test loss of the net − test loss of the linearized model|.</summary>
    public double LinearizationGap => Math.Abs(TestLoss - LinearizedTestLoss);
}
