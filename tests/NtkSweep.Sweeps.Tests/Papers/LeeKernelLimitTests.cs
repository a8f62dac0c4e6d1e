using NtkSweep.Sweeps.Reports.Claims;

namespace NtkSweep.Sweeps.Tests.Papers;

/// <summary>
/// sweeps/reduced/lee-kernel-limit.yaml run for real (NTK point, widths 64–1024, 2 seeds, n = 128): the distance D_f of
/// the trained function from its infinite-width kernel predictor, and its width exponent.
/// </summary>
public sealed class LeeKernelLimitTests
{
    private static ReducedSweepResult Result => ReducedSweeps.Get("lee-kernel-limit");

    [Fact]
    public void Sweep_is_recognized_and_every_run_has_a_kernel_limit()
    {
        Assert.Equal(PaperKind.LeeKernelLimit, Result.Claims.Paper);
        Assert.All(Result.Runs, run => Assert.NotNull(run.Result!.KernelLimitDistance));
    }

    [Fact]
    public void Kernel_distance_falls_like_m_to_the_minus_half_at_the_ntk_point()
    {
        var claim = Result.Claim("lee.kernel-distance-exponent");
        Assert.InRange(claim.MeasuredValue, -0.75, -0.25);
        Assert.Equal(ClaimVerdict.Reproduced, claim.Verdict);
        var cell = Assert.Single(Result.Analysis.Cells);
        var distances = cell.Widths.Select(width => width.KernelLimitDistance.Value).ToArray();
        Assert.All(distances.Zip(distances.Skip(1)), pair => Assert.True(pair.Second < pair.First, $"D_f {pair.Second} must be below {pair.First} at the next width"));
    }
}
