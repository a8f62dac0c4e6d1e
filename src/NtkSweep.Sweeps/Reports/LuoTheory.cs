using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>Which side of Luo et al.'s boundary theory puts a cell on (SCIENCE.md §5).</summary>
public enum TheorySide
{
    Unknown,
    Linear,
    Boundary,
    Condensed,
}

/// <summary>What theory expects of a cell's RD_w slope: a number where one is known, else only its sign.</summary>
public sealed record SlopePrediction(double Slope, TheorySide Side, string Reason)
{
    public static SlopePrediction None { get; } = new(double.NaN, TheorySide.Unknown, string.Empty);
}

/// <summary>Luo et al.'s phase diagram in (γ′, γ): linear iff γ &lt; 1 or γ′ &gt; γ − 1, condensed iff γ &gt; 1 and γ′ &lt; γ − 1.</summary>
public static class LuoTheory
{
    private const double Tolerance = 1e-9;

    public static TheorySide SideOf(double gammaPrime, double gamma)
    {
        if (!double.IsFinite(gamma) || !double.IsFinite(gammaPrime))
        {
            return TheorySide.Unknown;
        }

        if (gamma < 1 - Tolerance || gammaPrime > gamma - 1 + Tolerance)
        {
            return TheorySide.Linear;
        }

        if (gamma > 1 + Tolerance && gammaPrime < gamma - 1 - Tolerance)
        {
            return TheorySide.Condensed;
        }

        return TheorySide.Boundary;
    }

    /// <summary>
    /// The boundary {γ = 1, γ′ ≤ 0} ∪ {γ′ = γ − 1, γ ≥ 1} as (γ′, γ) vertices spanning [minGammaPrime, maxGammaPrime].
    /// </summary>
    public static IReadOnlyList<(double GammaPrime, double Gamma)> Boundary(double minGammaPrime, double maxGammaPrime)
    {
        var points = new List<(double, double)>();
        if (minGammaPrime < 0)
        {
            points.Add((minGammaPrime, 1));
        }

        points.Add((0, 1));
        if (maxGammaPrime > 0)
        {
            points.Add((maxGammaPrime, maxGammaPrime + 1));
        }

        return points;
    }

    /// <summary>Theory's slope of log RD_w against log m for a spec's parametrization, where one is known.</summary>
    public static SlopePrediction Predict(Parametrization parametrization)
    {
        switch (parametrization.Kind)
        {
            case ParametrizationKind.Preset:
                return parametrization.Preset switch
                {
                    Preset.Ntk => new SlopePrediction(-0.5, TheorySide.Linear, "NTK point: RD_w ~ m^−1/2"),
                    Preset.LeCun or Preset.He => new SlopePrediction(-1.5, TheorySide.Linear, "LeCun/He: RD_w ~ m^−3/2"),
                    Preset.MeanField => new SlopePrediction(0, TheorySide.Boundary, "mean-field point (0, 1) on the boundary"),
                    Preset.Xavier => new SlopePrediction(0, TheorySide.Boundary, "Xavier ≈ the mean-field point (0, 1)"),
                    _ => SlopePrediction.None,
                };
            case ParametrizationKind.Luo:
                var gamma = parametrization.Gamma;
                var gammaPrime = parametrization.GammaPrime;
                var side = SideOf(gammaPrime, gamma);
                if (Math.Abs(gamma - 0.5) < Tolerance && Math.Abs(gammaPrime) < Tolerance)
                {
                    return new SlopePrediction(-0.5, TheorySide.Linear, "(γ′, γ) = (0, ½) is the NTK point: RD_w ~ m^−1/2");
                }

                return side switch
                {
                    TheorySide.Boundary => new SlopePrediction(0, side, "on the boundary"),
                    TheorySide.Linear => new SlopePrediction(double.NaN, side, "linear side: RD_w → 0"),
                    TheorySide.Condensed => new SlopePrediction(double.NaN, side, "condensed side: RD_w → ∞"),
                    _ => SlopePrediction.None,
                };
            case ParametrizationKind.Geiger:
                // A fixed α_G lies ever further above the crossover α_G* ∝ m^−1/2 as m grows.
                return new SlopePrediction(double.NaN, TheorySide.Linear, "fixed α_G ≫ α_G* ∝ m^−1/2: lazy");
            default:
                return SlopePrediction.None;
        }
    }

    /// <summary>Whether a measured regime agrees with the side theory predicts (null when theory says nothing).</summary>
    public static bool? Agrees(TheorySide side, CellRegime regime) => side switch
    {
        TheorySide.Unknown => null,
        _ when regime is CellRegime.Diverged or CellRegime.NoData or CellRegime.Pending => null,
        TheorySide.Linear => regime == CellRegime.Lazy,
        TheorySide.Condensed => regime is CellRegime.Condensed or CellRegime.FeatureLearning,
        TheorySide.Boundary => regime == CellRegime.Critical,
        _ => null,
    };
}
