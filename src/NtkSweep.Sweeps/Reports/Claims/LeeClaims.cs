using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Lee et al.'s theorem that a wide net trained by gradient descent stays within O(m^−½) of its infinite-width kernel
/// predictor: at the NTK point the distance D_f (every run's kernelLimitDistance) falls like m^−½.
/// </summary>
internal static class LeeClaims
{
    public const string Citation = "Lee, Xiao, Schoenholz, Bahri, Novak, Sohl-Dickstein, Pennington, \"Wide Neural Networks of Any Depth Evolve as Linear Models Under Gradient Descent\" (NeurIPS 2019)";

    public static PaperClaimReport Evaluate(PhaseAnalysis analysis, string recognizedBy)
    {
        var cell = analysis.Cells.FirstOrDefault(IsNtkPoint) ?? (analysis.Cells.Count == 1 ? analysis.Cells[0] : null);
        var fit = cell?.KernelLimitFit;
        var perWidth = cell is null
            ? []
            : cell.Widths.Where(width => width.KernelLimitDistance.HasValue).ToArray();
        var evidence = perWidth.Length == 0
            ? "no finished run at the NTK point has a kernel limit (runs with weight decay have none)"
            : "D_f = " + string.Join(", ", perWidth.Select(width => $"{ReportText.Number(width.KernelLimitDistance.Value, 3)} at m = {ReportText.Integer(width.Width)}"));
        var claims = new List<PaperClaim>
        {
            ClaimMath.Exponent(
                "lee.kernel-distance-exponent",
                "At the NTK point the trained function's distance from its infinite-width kernel predictor, D_f, falls like m^−½",
                -0.5,
                fit,
                evidence),
        };

        return new PaperClaimReport
        {
            Paper = PaperKind.LeeKernelLimit,
            Citation = Citation,
            RecognizedBy = recognizedBy,
            Claims = claims,
            Charts = perWidth.Length == 0 ? [] : [DistanceChart(perWidth, fit)],
        };
    }

    /// <summary>The NTK preset, or Luo's (γ′, γ) = (0, ½), without weight decay.</summary>
    private static bool IsNtkPoint(PhaseCell cell) =>
        cell.Runs.Count > 0 && cell.Runs.All(run => run.Spec.WeightDecay == 0 && run.Spec.Parametrization switch
        {
            { Kind: ParametrizationKind.Preset, Preset: Preset.Ntk } => true,
            { Kind: ParametrizationKind.Luo } luo => Math.Abs(luo.Gamma - 0.5) < 1e-9 && Math.Abs(luo.GammaPrime) < 1e-9,
            _ => false,
        });

    private static ClaimChart DistanceChart(IReadOnlyList<WidthAggregate> perWidth, SlopeFit? fit)
    {
        var measured = perWidth
            .Select(width => new ClaimPoint(width.Width, width.KernelLimitDistance.Value, width.KernelLimitDistance.Low, width.KernelLimitDistance.High, $"m = {width.Width}: D_f = {ReportText.Number(width.KernelLimitDistance.Value, 3)} ({width.KernelLimitDistance.Count} seeds)"))
            .ToArray();
        var series = new List<ClaimSeries> { new("D_f (geometric mean over seeds, 95% CI)", ClaimSeriesStyle.Measured, 0, measured) };
        if (fit is not null)
        {
            series.Add(new ClaimSeries($"fit: s = {ReportText.SlopeWithInterval(fit)}", ClaimSeriesStyle.Fit, 0, ClaimMath.FitLine(fit, perWidth.Min(width => width.Width), perWidth.Max(width => width.Width))));
        }

        series.Add(new ClaimSeries("Lee et al.: s = −0.5", ClaimSeriesStyle.Prediction, 1, ClaimMath.PredictedLine(measured.Select(point => (point.X, point.Y)), -0.5)));
        return new ClaimChart
        {
            Heading = "Distance from the infinite-width kernel predictor against width",
            Caption = "D_f = RMS over the test set of F − F_ker, divided by the RMS of the test labels, where F_ker is kernel regression with the closed-form NTK trained from the net's own f₀ with the net's own step sizes. " +
                "Markers are geometric means over seeds with 95% intervals; the solid line is the least-squares power law over every run, the dashed line the predicted m^−½ through the same centre.",
            XTitle = "width m (log scale)",
            YTitle = "D_f (log scale)",
            LogX = true,
            LogY = true,
            Series = series,
        };
    }
}
