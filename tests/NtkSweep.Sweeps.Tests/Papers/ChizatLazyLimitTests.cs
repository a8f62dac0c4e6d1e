using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;

namespace NtkSweep.Sweeps.Tests.Papers;

/// <summary>
/// sweeps/reduced/chizat-lazy-limit.yaml run for real (m = 256 and 1024, α from 1 to 316, 2 seeds, 2000 steps of size
/// 0.5 for every α). "Full" numbers come from sweeps/chizat-lazy-limit.yaml (3 widths, α from 0.1 to 316, 3 seeds).
/// </summary>
public sealed class ChizatLazyLimitTests
{
    private static ReducedSweepResult Result => ReducedSweeps.Get("chizat-lazy-limit");

    [Fact]
    public void Every_run_has_the_same_horizon()
    {
        Assert.Equal(PaperKind.ChizatLazyLimit, Result.Claims.Paper);
        Assert.All(Result.Runs, run => Assert.Equal(2000, run.Result!.Steps));
    }

    [Fact]
    public void Weight_movement_shrinks_like_one_over_alpha()
    {
        // Measured: reduced −1.00 [−1.01, −0.98] (per width −0.99 and −1.00), full −1.00 [−1.00, −0.99]: the law holds
        // to a percent, so ±0.05 is already five times the measured scatter.
        var claim = Result.Claim("chizat.rdw-exponent");
        Assert.InRange(claim.MeasuredValue, -1.05, -0.95);
        foreach (var width in Result.Runs.GroupBy(run => run.Spec.Width))
        {
            Assert.InRange(ChizatClaims.WidthFit(width, result => result.RdW)!.Slope, -1.05, -0.95);
        }
    }

    [Fact]
    public void Linearization_gap_shrinks_like_one_over_alpha()
    {
        // Measured since parameters accumulate in float64: reduced −0.85 [−1.09, −0.61] (per width −0.86 and −0.84),
        // full −0.91 [−1.07, −0.75] (per width −1.16, −0.76, −0.82); both reproduced under the report's rule (95%
        // half-interval + 0.15). The float32 engine measured −0.64 here because lazy updates fell below the weights'
        // rounding step. The gap is a difference of two test losses and changes sign in 2 of the 24 reduced runs (6 of
        // the full sweep's 99 with α ≥ 1), where |gap| dips; the band [−1.15, −0.7] is ±0.15 around the two
        // measurements. From α = 1 to 316 the gap falls 112× and 117× here (full 455×, 127×, 99×; 1/α is 316×, α^−0.7
        // would be 56×), so 50× at every width separates a near-1/α law from a much slower one.
        var claim = Result.Claim("chizat.gap-exponent");
        Assert.Equal(ClaimVerdict.Reproduced, claim.Verdict);
        Assert.InRange(claim.MeasuredValue, -1.15, -0.7);
        foreach (var width in Result.Runs.GroupBy(run => run.Spec.Width))
        {
            var at1 = GeometricMeanAt(width, 1, result => result.LinearizationGap);
            var at316 = GeometricMeanAt(width, 316.227766017, result => result.LinearizationGap);
            Assert.True(at1 > 50 * at316, $"m = {width.Key}: gap {at1:g3} at α = 1, {at316:g3} at α = 316");
        }
    }

    [Fact]
    public void Function_space_distance_shrinks_but_slower_than_one_over_alpha()
    {
        // A diagnostic, not a claim: √mean over the test set of (F − F_lin)². Measured: reduced −0.46 [−0.56, −0.36]
        // (per width −0.43 and −0.50), full −0.63 [−0.71, −0.54] (per width −0.75, −0.53, −0.60): clearly shrinking,
        // and in both the 95% interval excludes −1. It falls 9.6× (m = 256) and 17× (m = 1024) from α = 1 to 316 here
        // (full 55×, 22×, 29×); at m = 256 seeds 1 and 2 (both seeds here) level off near 3e−3 above α = 100 while seed 3
        // falls to 2e−5 (a ReLU kink crossing a test point, see ChizatClaims.Distance). The test pins what holds: a slope in [−0.8, −0.3], an interval that
        // stays below −0.3 and above −1, at least a fivefold fall at every width, and no verdict in the claims.
        var fit = ChizatClaims.PooledFit(Result.Runs, ChizatClaims.Distance)!;
        Assert.InRange(fit.Slope, -0.8, -0.3);
        Assert.True(fit.High < -0.3 && fit.Low > -1, $"s = {fit.Slope:0.###} [{fit.Low:0.###}, {fit.High:0.###}]");
        foreach (var width in Result.Runs.GroupBy(run => run.Spec.Width))
        {
            var at1 = GeometricMeanAt(width, 1, ChizatClaims.Distance);
            var at316 = GeometricMeanAt(width, 316.227766017, ChizatClaims.Distance);
            Assert.True(at1 > 5 * at316, $"m = {width.Key}: distance {at1:g3} at α = 1, {at316:g3} at α = 316");
        }

        Assert.Equal(2, Result.Claims.Claims.Count);
        Assert.Contains("diagnostic, not used for any verdict: the function-space distance", Result.Claim("chizat.gap-exponent").Evidence, StringComparison.Ordinal);
        Assert.Contains(Result.Claims.Charts, chart => chart.Heading.Contains("(diagnostic)", StringComparison.Ordinal));
    }

    [Fact]
    public void Kernel_stays_put_on_the_lazy_side()
    {
        // Every run here has α ≥ 1: measured RD_w ≤ 0.081 and ΔK ≤ 0.034 (both at m = 256, α = 1), so 0.1 (the dead
        // band's lazy threshold) holds with a factor 3 to spare.
        Assert.All(Result.Runs.Where(run => run.State == RunState.Done), run => Assert.True(run.Result!.KernelChange < 0.1, $"ΔK = {run.Result.KernelChange:g3}"));
    }

    private static double GeometricMeanAt(IEnumerable<StoredRun> runs, double alpha, Func<RunResult, double> metric) => Math.Exp(runs
        .Where(run => Math.Abs(Math.Log(run.Spec.Parametrization.AlphaG / alpha)) < 1e-6)
        .Average(run => Math.Log(metric(run.Result!))));
}
