using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Geiger et al.'s crossover: for each width (and seed) the output scale α_G* where the kernel change ΔK falls through a
/// threshold, and the power law α_G* ∝ m^s fitted over widths (prediction s = −½).
/// </summary>
internal static class GeigerClaims
{
    public const string Citation = "Geiger, Spigler, Jacot, Wyart, \"Disentangling feature and lazy training in deep neural networks\" (2020)";

    /// <summary>ΔK = 1: the kernel has changed by as much as its own size, the natural middle of the crossover.</summary>
    public const double Threshold = 1;

    /// <summary>Other thresholds reported beside the main one, to show the exponent does not hinge on the choice.</summary>
    public static readonly IReadOnlyList<double> OtherThresholds = [0.3, 3];

    /// <summary>
    /// The widths collapse when α_G*·√m varies across widths by at most this share of α_G*'s own variation (in log):
    /// equivalent to an exponent within about ±0.15 of −½.
    /// </summary>
    public const double CollapseRatio = 0.3;

    public static PaperClaimReport Evaluate(PhaseAnalysis analysis, string recognizedBy)
    {
        var crossings = Crossings(analysis, Threshold);
        var fit = ReportStatistics.FitPowerLaw(crossings.Select(point => ((double)point.Width, point.AlphaStar)), 2);
        var others = OtherThresholds
            .Select(threshold => (Threshold: threshold, Fit: ReportStatistics.FitPowerLaw(Crossings(analysis, threshold).Select(point => ((double)point.Width, point.AlphaStar)), 2)))
            .Select(pair => $"at ΔK = {ClaimMath.Format(pair.Threshold)} s = {(pair.Fit is null ? ReportText.Dash : ReportText.SlopeWithInterval(pair.Fit))}")
            .ToArray();
        var perWidth = PerWidth(crossings);
        var crossingText = perWidth.Count == 0
            ? "ΔK never falls through 1 within the α_G range"
            : "α_G*(m) = " + string.Join(", ", perWidth.Select(width => $"{ReportText.Number(width.AlphaStar.Value, 3)} at m = {ReportText.Integer(width.Width)}"));
        var claims = new List<PaperClaim>
        {
            ClaimMath.Exponent(
                "geiger.crossover-exponent",
                "The crossover output scale α_G* (where ΔK = 1) scales as m^−½",
                -0.5,
                fit,
                crossingText + "; " + string.Join(", ", others)),
        };

        var logAlpha = perWidth.Select(width => Math.Log10(width.AlphaStar.Value)).ToArray();
        var logScaled = perWidth.Select(width => Math.Log10(width.AlphaStar.Value * Math.Sqrt(width.Width))).ToArray();
        var rawSpread = logAlpha.Length < 2 ? double.NaN : logAlpha.Max() - logAlpha.Min();
        var scaledSpread = logScaled.Length < 2 ? double.NaN : logScaled.Max() - logScaled.Min();
        var ratio = scaledSpread / rawSpread;
        claims.Add(new PaperClaim
        {
            Id = "geiger.collapse",
            Statement = "ΔK depends on the width only through α_G·√m: the crossings α_G*·√m of all widths coincide",
            Prediction = "spread of log α_G*·√m ≈ 0",
            PredictedValue = 0,
            MeasuredValue = ratio,
            MeasuredText = $"spread ratio {ReportText.Number(ratio, 3)}",
            Rule = $"reproduced if the spread of log α_G*·√m across widths is at most {ClaimMath.Format(CollapseRatio)} × the spread of log α_G*",
            Verdict = ClaimMath.Verdict(ratio, ratio <= CollapseRatio),
            Evidence = double.IsFinite(ratio)
                ? $"α_G* spans {ReportText.Number(rawSpread, 3)} decades across widths, α_G*·√m spans {ReportText.Number(scaledSpread, 3)} (ratio {ReportText.Number(ratio, 3)})"
                : "fewer than two widths have a crossing",
        });

        return new PaperClaimReport
        {
            Paper = PaperKind.GeigerCrossover,
            Citation = Citation,
            RecognizedBy = recognizedBy,
            Claims = claims,
            Charts = perWidth.Count == 0 ? [] : [CrossoverChart(perWidth, fit)],
        };
    }

    /// <summary>One crossing per (width, seed): ΔK against α_G over the seed's runs.</summary>
    public static IReadOnlyList<(int Width, long Seed, double AlphaStar)> Crossings(PhaseAnalysis analysis, double threshold)
    {
        return analysis.Runs
            .Select(run => run.Stored)
            .Where(run => run.State == RunState.Done && run.Result is not null && run.Spec.Parametrization.Kind == ParametrizationKind.Geiger)
            .GroupBy(run => (run.Spec.Width, Seed: (long)run.Spec.Seed))
            .OrderBy(group => group.Key.Width)
            .ThenBy(group => group.Key.Seed)
            .Select(group => (group.Key.Width, group.Key.Seed, AlphaStar: ClaimMath.Crossing(group.Select(run => (run.Spec.Parametrization.AlphaG, run.Result!.KernelChange)).ToArray(), threshold)))
            .Where(point => double.IsFinite(point.AlphaStar))
            .ToArray();
    }

    private static IReadOnlyList<(int Width, MetricEstimate AlphaStar)> PerWidth(IReadOnlyList<(int Width, long Seed, double AlphaStar)> crossings) =>
        crossings
            .GroupBy(point => point.Width)
            .OrderBy(group => group.Key)
            .Select(group => (group.Key, ReportStatistics.GeometricMean(group.Select(point => point.AlphaStar))))
            .ToArray();

    private static ClaimChart CrossoverChart(IReadOnlyList<(int Width, MetricEstimate AlphaStar)> perWidth, SlopeFit? fit)
    {
        var measured = perWidth
            .Select(width => new ClaimPoint(width.Width, width.AlphaStar.Value, width.AlphaStar.Low, width.AlphaStar.High, $"m = {width.Width}: α_G* = {ReportText.Number(width.AlphaStar.Value, 3)} ({width.AlphaStar.Count} seeds)"))
            .ToArray();
        var series = new List<ClaimSeries> { new("α_G* where ΔK = 1 (geometric mean over seeds, 95% CI)", ClaimSeriesStyle.Measured, 0, measured) };
        var low = perWidth.Min(width => width.Width);
        var high = perWidth.Max(width => width.Width);
        if (fit is not null)
        {
            series.Add(new ClaimSeries($"fit: s = {ReportText.SlopeWithInterval(fit)}", ClaimSeriesStyle.Fit, 0, ClaimMath.FitLine(fit, low, high)));
        }

        series.Add(new ClaimSeries("Geiger et al.: s = −0.5", ClaimSeriesStyle.Prediction, 1, ClaimMath.PredictedLine(measured.Select(point => (point.X, point.Y)), -0.5)));
        return new ClaimChart
        {
            Heading = "Crossover output scale α_G* against width",
            Caption = "For each width and seed, α_G* is where ΔK falls through 1 (log–log interpolation between neighbouring α_G values); markers are geometric means over seeds with 95% intervals. " +
                "The solid line is the least-squares power law over every seed's crossing, the dashed line the predicted m^−½ through the same centre.",
            XTitle = "width m (log scale)",
            YTitle = "α_G* (log scale)",
            LogX = true,
            LogY = true,
            Series = series,
        };
    }
}
