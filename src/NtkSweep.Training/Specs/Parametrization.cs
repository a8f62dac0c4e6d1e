namespace NtkSweep.Training.Specs;

public enum ParametrizationKind
{
    Preset,
    Luo,
    Geiger,
    Explicit,
}

public enum Preset
{
    Ntk,
    MeanField,
    Xavier,
    LeCun,
    He,
}

/// <summary>
/// How f(x) = (1/α) Σ a_k σ(w_k·x̃) is scaled, in one of four equivalent forms (SCIENCE.md §1).
/// </summary>
public sealed record Parametrization
{
    public required ParametrizationKind Kind { get; init; }

    public Preset Preset { get; init; }

    /// <summary>Luo et al.'s γ (with <see cref="GammaPrime"/>).</summary>
    public double Gamma { get; init; }

    public double GammaPrime { get; init; }

    /// <summary>Geiger et al.'s output scale α_G: the trained function is α_G·(f − f₀) with loss α_G⁻²·ℓ.</summary>
    public double AlphaG { get; init; }

    public double Alpha { get; init; } = 1;

    public double Beta1 { get; init; } = 1;

    public double Beta2 { get; init; } = 1;

    public static Parametrization FromPreset(Preset preset) => new() { Kind = ParametrizationKind.Preset, Preset = preset };

    public static Parametrization FromLuo(double gamma, double gammaPrime) =>
        new() { Kind = ParametrizationKind.Luo, Gamma = gamma, GammaPrime = gammaPrime };

    public static Parametrization FromGeiger(double alphaG) => new() { Kind = ParametrizationKind.Geiger, AlphaG = alphaG };

    public static Parametrization FromExplicit(double alpha, double beta1, double beta2) =>
        new() { Kind = ParametrizationKind.Explicit, Alpha = alpha, Beta1 = beta1, Beta2 = beta2 };

    /// <summary>Turns the given form into scales for a net of <paramref name="width"/> neurons.</summary>
    public ResolvedParametrization Resolve(int width, int inputDim)
    {
        double m = width;
        double d = inputDim;
        return Kind switch
        {
            ParametrizationKind.Preset => Preset switch
            {
                Preset.Ntk => new(Math.Sqrt(m), 1, 1, 1, 1, false),
                Preset.MeanField => new(m, 1, 1, 1, 1, false),
                Preset.Xavier => new(1, Math.Sqrt(2 / (m + 1)), Math.Sqrt(2 / (d + m)), 1, 1, false),
                Preset.LeCun => new(1, Math.Sqrt(1 / m), Math.Sqrt(1 / d), 1, 1, false),
                Preset.He => new(1, Math.Sqrt(2 / m), Math.Sqrt(2 / d), 1, 1, false),
                _ => throw new InvalidOperationException($"Unknown preset {Preset}."),
            },
            // β1 = 1 loses no generality: gradient flow depends on (α, β1, β2) only through κ and κ'.
            ParametrizationKind.Luo => new(Math.Pow(m, Gamma + GammaPrime), 1, Math.Pow(m, GammaPrime), 1, 1, false),
            ParametrizationKind.Geiger => new(Math.Sqrt(m), 1, 1, AlphaG, 1 / (AlphaG * AlphaG), true),
            ParametrizationKind.Explicit => new(Alpha, Beta1, Beta2, 1, 1, false),
            _ => throw new InvalidOperationException($"Unknown parametrization {Kind}."),
        };
    }

    /// <summary>A short human label: "ntk", "γ=1.25 γ'=0", "α_G=0.1", "α=32 β1=1 β2=1".</summary>
    public string Label => Kind switch
    {
        ParametrizationKind.Preset => PresetNames.ToName(Preset),
        ParametrizationKind.Luo => FormattableString.Invariant($"γ={Gamma:0.###} γ'={GammaPrime:0.###}"),
        ParametrizationKind.Geiger => FormattableString.Invariant($"α_G={AlphaG:g4}"),
        _ => FormattableString.Invariant($"α={Alpha:g4} β1={Beta1:g4} β2={Beta2:g4}"),
    };
}

/// <summary>
/// Scales of one run. The trained function is F = OutputScale·(f − f₀) when <see cref="Centered"/>, else f; the
/// training loss is LossScale·½·mean((F − y)²) + (λ/2)(‖a‖² + ‖W‖²).
/// </summary>
public readonly record struct ResolvedParametrization(
    double Alpha,
    double Beta1,
    double Beta2,
    double OutputScale,
    double LossScale,
    bool Centered)
{
    /// <summary>
    /// Luo et al.'s γ = −log κ / log m with κ = β1β2·OutputScale/α (Geiger's α_G multiplies the output, so an NTK-scaled
    /// net at α_G stands at γ = ½ − log α_G / log m); NaN for width 1.
    /// </summary>
    public double Gamma(int width) => width <= 1 ? double.NaN : -Math.Log(Beta1 * Beta2 * OutputScale / Alpha) / Math.Log(width) + 0.0;

    /// <summary>Luo et al.'s γ' = −log(β1/β2)/log m; NaN for width 1.</summary>
    public double GammaPrime(int width) => width <= 1 ? double.NaN : -Math.Log(Beta1 / Beta2) / Math.Log(width) + 0.0;
}

public static class PresetNames
{
    public static string ToName(Preset preset) => preset switch
    {
        Preset.Ntk => "ntk",
        Preset.MeanField => "mean-field",
        Preset.Xavier => "xavier",
        Preset.LeCun => "lecun",
        Preset.He => "he",
        _ => throw new ArgumentOutOfRangeException(nameof(preset)),
    };

    public static bool TryParse(string text, out Preset preset)
    {
        foreach (var candidate in Enum.GetValues<Preset>())
        {
            if (string.Equals(ToName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                preset = candidate;
                return true;
            }
        }

        preset = default;
        return false;
    }
}
