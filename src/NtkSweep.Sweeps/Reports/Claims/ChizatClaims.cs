using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Chizat et al.'s lazy limit: with output scale α and loss α⁻² at a fixed horizon, RD_w and the gap between the net and
/// its linearization shrink like 1/α. Exponents are fitted on the lazy side α ≥ <see cref="LazyScale"/>, with one
/// intercept per width (the movement also depends on m) and a common slope.
/// </summary>
internal static class ChizatClaims
{
    public const string Citation = "Chizat, Oyallon, Bach, \"On Lazy Training in Differentiable Programming\" (NeurIPS 2019)";

    /// <summary>The 1/α law is the α → ∞ asymptote; below α ≈ 1 the Luo 1-D task is out of the lazy regime (RD_w ≳ 0.1).</summary>
    public const double LazyScale = 1;

    /// <summary>
    /// Upper end of a second, diagnostic fit reported beside the verdict (not used by it): above α ≈ 30 the float32
    /// engine's per-step parameter updates (∝ 1/α) approach the weights' rounding step, so small gaps hit a floor.
    /// </summary>
    public const double Float32Scale = 32;

    public static PaperClaimReport Evaluate(PhaseAnalysis analysis, string recognizedBy)
    {
        var runs = analysis.Runs
            .Select(run => run.Stored)
            .Where(run => run.State == RunState.Done && run.Result is not null && run.Spec.Parametrization.Kind == ParametrizationKind.Geiger)
            .ToArray();
        var claims = new List<PaperClaim>
        {
            Claim("chizat.rdw-exponent", "Weight movement RD_w = ‖W_T − W_0‖/‖W_0‖ shrinks like 1/α", runs, result => result.RdW),
            Claim("chizat.gap-exponent", "The gap |test loss − test loss of the linearized model| shrinks like 1/α", runs, result => result.LinearizationGap),
        };
        return new PaperClaimReport
        {
            Paper = PaperKind.ChizatLazyLimit,
            Citation = Citation,
            RecognizedBy = recognizedBy,
            Claims = claims,
            Charts =
            [
                Chart("Weight movement RD_w against the output scale α", "RD_w (log scale)", runs, result => result.RdW),
                Chart("Linearization gap against the output scale α", "|test loss − linearized test loss| (log scale)", runs, result => result.LinearizationGap),
            ],
        };
    }

    /// <summary>The common slope of log y against log α over α ≥ <see cref="LazyScale"/>, each width centred on its own means.</summary>
    public static SlopeFit? PooledFit(IReadOnlyList<StoredRun> runs, Func<RunResult, double> metric, double maximumScale = double.PositiveInfinity)
    {
        var points = new List<(double X, double Y)>();
        foreach (var width in runs.GroupBy(run => run.Spec.Width))
        {
            var lazy = width
                .Where(run => run.Spec.Parametrization.AlphaG >= LazyScale && run.Spec.Parametrization.AlphaG <= maximumScale)
                .Select(run => (X: run.Spec.Parametrization.AlphaG, Y: metric(run.Result!)))
                .Where(point => point.Y > 0 && double.IsFinite(point.Y))
                .ToArray();
            if (lazy.Length == 0)
            {
                continue;
            }

            var centreX = Math.Exp(lazy.Average(point => Math.Log(point.X)));
            var centreY = Math.Exp(lazy.Average(point => Math.Log(point.Y)));
            points.AddRange(lazy.Select(point => (point.X / centreX, point.Y / centreY)));
        }

        return ReportStatistics.FitPowerLaw(points, 3);
    }

    public static SlopeFit? WidthFit(IEnumerable<StoredRun> runs, Func<RunResult, double> metric) =>
        ReportStatistics.FitPowerLaw(runs.Where(run => run.Spec.Parametrization.AlphaG >= LazyScale).Select(run => (run.Spec.Parametrization.AlphaG, metric(run.Result!))), 3);

    private static PaperClaim Claim(string id, string statement, IReadOnlyList<StoredRun> runs, Func<RunResult, double> metric)
    {
        var perWidth = runs
            .GroupBy(run => run.Spec.Width)
            .OrderBy(group => group.Key)
            .Select(group => $"m = {ReportText.Integer(group.Key)}: {ClaimMath.FitText(WidthFit(group, metric), "scales")}")
            .ToArray();
        var range = runs.Where(run => run.Spec.Parametrization.AlphaG >= LazyScale).Select(run => run.Spec.Parametrization.AlphaG).DefaultIfEmpty(double.NaN).ToArray();
        var evidence = $"common slope over α from {ReportText.Number(range.Min(), 3)} to {ReportText.Number(range.Max(), 3)}, one intercept per width; per width {string.Join("; ", perWidth)}";
        if (range.Max() > Float32Scale)
        {
            var below = PooledFit(runs, metric, Float32Scale);
            evidence += $"; diagnostic only, α ≤ {ClaimMath.Format(Float32Scale)} (above the float32 floor): s = {ClaimMath.FitText(below, "scales")}";
        }

        return ClaimMath.Exponent(id, statement, -1, PooledFit(runs, metric), evidence, "scales");
    }

    private static ClaimChart Chart(string heading, string yTitle, IReadOnlyList<StoredRun> runs, Func<RunResult, double> metric)
    {
        var series = new List<ClaimSeries>();
        var widths = runs.Select(run => run.Spec.Width).Distinct().Order().ToArray();
        var allPoints = new List<(double X, double Y)>();
        for (var index = 0; index < widths.Length; index++)
        {
            var width = widths[index];
            var ofWidth = runs.Where(run => run.Spec.Width == width).ToArray();
            var points = ofWidth
                .GroupBy(run => run.Spec.Parametrization.AlphaG)
                .OrderBy(group => group.Key)
                .Select(group => (Alpha: group.Key, Estimate: ReportStatistics.GeometricMean(group.Select(run => metric(run.Result!)))))
                .Where(pair => pair.Estimate.HasValue)
                .Select(pair => new ClaimPoint(pair.Alpha, pair.Estimate.Value, pair.Estimate.Low, pair.Estimate.High, $"m = {width}, α = {ReportText.Number(pair.Alpha, 3)}: {ReportText.Number(pair.Estimate.Value, 3)}"))
                .ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var fit = WidthFit(ofWidth, metric);
            var name = $"m = {ReportText.Integer(width)}: s = {(fit is null ? ReportText.Dash : ReportText.SlopeWithInterval(fit))}";
            series.Add(new ClaimSeries(name, ClaimSeriesStyle.Measured, index, points));
            if (fit is not null)
            {
                series.Add(new ClaimSeries("fit", ClaimSeriesStyle.Fit, index, ClaimMath.FitLine(fit, Math.Max(LazyScale, points.Min(point => point.X)), points.Max(point => point.X))));
            }

            allPoints.AddRange(points.Where(point => point.X >= LazyScale).Select(point => (point.X, point.Y)));
        }

        series.Add(new ClaimSeries("Chizat et al.: ∝ 1/α", ClaimSeriesStyle.Prediction, widths.Length, ClaimMath.PredictedLine(allPoints, -1)));
        return new ClaimChart
        {
            Heading = heading,
            Caption = "One series per width: geometric means over seeds with 95% intervals, at the same number of fixed-size steps for every α. " +
                $"Solid lines are power-law fits over α ≥ {ClaimMath.Format(LazyScale)} (the lazy side); the dashed line is the predicted 1/α through the centre of those points.",
            XTitle = "output scale α (log scale)",
            YTitle = yTitle,
            LogX = true,
            LogY = true,
            Series = series,
        };
    }
}
