using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Runs;

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
    public void Linearization_gap_shrinks_with_alpha_but_slower_than_one_over_alpha()
    {
        // What holds: the gap falls by more than 10× from α = 1 to α = 316 (reduced, geometric means over seeds:
        // 6.2e−4 → 2.2e−5 at m = 256, 2.7e−4 → 1.1e−5 at m = 1024, i.e. 28× and 25×; full 38×, 22× and, at m = 4096,
        // only 6×, which is why the full sweep's widest net is not in this check). What does not: the exponent. Measured reduced −0.67 [−0.89, −0.44], full
        // −0.64 [−0.76, −0.52] (not reproduced in the full report). The float32 engine floors the gap near 1e−5 above
        // α ≈ 30, and |test loss − linearized test loss| changes sign near α ≈ 100 at m = 256, so the log–log line
        // bends. The test pins the measured band [−0.9, −0.4] and does not claim −1.
        var fit = ChizatClaims.PooledFit(Result.Runs, result => result.LinearizationGap)!;
        Assert.InRange(fit.Slope, -0.9, -0.4);
        foreach (var width in Result.Runs.GroupBy(run => run.Spec.Width))
        {
            double GapAt(double alpha) => Math.Exp(width
                .Where(run => Math.Abs(Math.Log(run.Spec.Parametrization.AlphaG / alpha)) < 1e-6)
                .Average(run => Math.Log(run.Result!.LinearizationGap)));
            Assert.True(GapAt(1) > 10 * GapAt(316.227766017), $"m = {width.Key}: gap {GapAt(1):g3} at α = 1, {GapAt(316.227766017):g3} at α = 316");
        }
    }

    [Fact]
    public void Kernel_stays_put_on_the_lazy_side()
    {
        // Every run here has α ≥ 1: measured RD_w ≤ 0.081 and ΔK ≤ 0.034 (both at m = 256, α = 1), so 0.1 (the dead
        // band's lazy threshold) holds with a factor 3 to spare.
        Assert.All(Result.Runs.Where(run => run.State == RunState.Done), run => Assert.True(run.Result!.KernelChange < 0.1, $"ΔK = {run.Result.KernelChange:g3}"));
    }
}
