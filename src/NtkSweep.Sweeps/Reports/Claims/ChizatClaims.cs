using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Chizat et al.'s lazy limit: with output scale α and loss α⁻² at a fixed horizon, RD_w and the gap between the net and
/// its linearization shrink like 1/α. Exponents are fitted on the lazy side α ≥ <see cref="LazyScale"/>, with one
/// intercept per width (the movement also depends on m) and a common slope. The function-space distance
/// √mean_test (F − F_lin)² is fitted the same way and shown beside the claims as a diagnostic, without a verdict.
/// </summary>
internal static class ChizatClaims
{
    public const string Citation = "Chizat, Oyallon, Bach, \"On Lazy Training in Differentiable Programming\" (NeurIPS 2019)";

    /// <summary>The 1/α law is the α → ∞ asymptote; below α ≈ 1 the Luo 1-D task is out of the lazy regime (RD_w ≳ 0.1).</summary>
    public const double LazyScale = 1;

    /// <summary>
    /// The function-space distance between the trained net and its linearization on the test set,
    /// √mean (F − F_lin)² (<see cref="RunResult.LinearizationDistance"/>). A diagnostic without a verdict: over α from 1
    /// to 316 the full sweep measures α^−0.63 [−0.71, −0.54], not 1/α. Chizat et al.'s bound assumes a model with a
    /// Lipschitz derivative; a ReLU neuron whose kink the training moves across a test point adds α·a_k·(Δz − d)/√m to
    /// F − F_lin there, which does not shrink while the movement Δz ∝ 1/α still exceeds the kink's distance d, so such
    /// crossings give a root-mean-square that falls like α^−½ rather than α^−1 (consistent with the measurement; not
    /// tested against a smooth activation).
    /// </summary>
    public static double Distance(RunResult result) => result.LinearizationDistance;

    public static PaperClaimReport Evaluate(PhaseAnalysis analysis, string recognizedBy)
    {
        var runs = analysis.Runs
            .Select(run => run.Stored)
            .Where(run => run.State == RunState.Done && run.Result is not null && run.Spec.Parametrization.Kind == ParametrizationKind.Geiger)
            .ToArray();
        var claims = new List<PaperClaim>
        {
            Claim("chizat.rdw-exponent", "Weight movement RD_w = ‖W_T − W_0‖/‖W_0‖ shrinks like 1/α", runs, result => result.RdW),
            Claim("chizat.gap-exponent", "The gap |test loss − test loss of the linearized model| shrinks like 1/α", runs, result => result.LinearizationGap, GapDiagnostics(runs)),
        };
        var charts = new List<ClaimChart>
        {
            Chart("Weight movement RD_w against the output scale α", "RD_w (log scale)", runs, result => result.RdW, string.Empty),
            Chart("Linearization gap against the output scale α", "|test loss − linearized test loss| (log scale)", runs, result => result.LinearizationGap, string.Empty),
        };
        if (HasDistance(runs))
        {
            charts.Add(Chart(
                "Function-space distance to the linearized model against the output scale α (diagnostic)",
                "√mean over the test set of (F − F_lin)² (log scale)",
                runs,
                Distance,
                " A diagnostic beside the claims, not a claim: Chizat et al.'s bound makes this distance O(1/α) for a model with a Lipschitz derivative, which a ReLU net is not."));
        }

        return new PaperClaimReport
        {
            Paper = PaperKind.ChizatLazyLimit,
            Citation = Citation,
            RecognizedBy = recognizedBy,
            Claims = claims,
            Charts = charts,
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

    /// <summary>
    /// What the gap's evidence adds: how often the loss gap changes sign (its absolute value dips where it does), and the
    /// function-space distance's own exponent, labelled as a diagnostic.
    /// </summary>
    private static string GapDiagnostics(IReadOnlyList<StoredRun> runs)
    {
        var lazy = runs.Where(run => run.Spec.Parametrization.AlphaG >= LazyScale).ToArray();
        var above = lazy.Count(run => run.Result!.TestLoss > run.Result.LinearizedTestLoss);
        var text = $"; the net's test loss is above the linearized model's in {ReportText.Integer(above)} of {ReportText.Integer(lazy.Length)} runs and below in the rest, " +
            "so where the sign flips |gap| dips below the trend";
        if (HasDistance(runs))
        {
            text += $"; diagnostic, not used for any verdict: the function-space distance √mean (F − F_lin)² on the test set scales as s = {ClaimMath.FitText(PooledFit(runs, Distance), "scales")}, per width " +
                string.Join("; ", PerWidth(runs, Distance));
        }

        return text;
    }

    private static bool HasDistance(IReadOnlyList<StoredRun> runs) => runs.Any(run => Distance(run.Result!) > 0 && double.IsFinite(Distance(run.Result!)));

    private static string[] PerWidth(IReadOnlyList<StoredRun> runs, Func<RunResult, double> metric) => runs
        .GroupBy(run => run.Spec.Width)
        .OrderBy(group => group.Key)
        .Select(group => $"m = {ReportText.Integer(group.Key)}: {ClaimMath.FitText(WidthFit(group, metric), "scales")}")
        .ToArray();

    private static PaperClaim Claim(string id, string statement, IReadOnlyList<StoredRun> runs, Func<RunResult, double> metric, string diagnostics = "")
    {
        var range = runs.Where(run => run.Spec.Parametrization.AlphaG >= LazyScale).Select(run => run.Spec.Parametrization.AlphaG).DefaultIfEmpty(double.NaN).ToArray();
        var evidence = $"common slope over α from {ReportText.Number(range.Min(), 3)} to {ReportText.Number(range.Max(), 3)}, one intercept per width; per width {string.Join("; ", PerWidth(runs, metric))}{diagnostics}";
        return ClaimMath.Exponent(id, statement, -1, PooledFit(runs, metric), evidence, "scales");
    }

    private static ClaimChart Chart(string heading, string yTitle, IReadOnlyList<StoredRun> runs, Func<RunResult, double> metric, string note)
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
                $"Solid lines are power-law fits over α ≥ {ClaimMath.Format(LazyScale)} (the lazy side); the dashed line is the predicted 1/α through the centre of those points." + note,
            XTitle = "output scale α (log scale)",
            YTitle = yTitle,
            LogX = true,
            LogY = true,
            Series = series,
        };
    }
}
