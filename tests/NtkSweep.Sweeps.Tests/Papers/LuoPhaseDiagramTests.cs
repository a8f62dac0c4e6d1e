using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Reports.Claims;

namespace NtkSweep.Sweeps.Tests.Papers;

/// <summary>
/// sweeps/reduced/luo-phase-diagram.yaml run for real: the slopes of log RD_w against log m at the named points and the
/// side of the boundary of every cell. Numbers quoted as "reduced" come from this sweep (widths 100–3162, 3 seeds),
/// "full" from sweeps/luo-phase-diagram.yaml (widths 100–10⁴, 3 seeds, 810 runs).
/// </summary>
public sealed class LuoPhaseDiagramTests
{
    private static ReducedSweepResult Result => ReducedSweeps.Get("luo-phase-diagram");

    [Fact]
    public void Report_recognizes_the_luo_sweep_by_name()
    {
        Assert.Equal(PaperKind.LuoPhaseDiagram, Result.Claims.Paper);
        Assert.Equal(12, Result.Analysis.Cells.Count);
    }

    [Fact]
    public void Ntk_point_moves_like_m_to_the_minus_half()
    {
        // Measured: reduced −0.58 [−0.63, −0.54], full −0.56 [−0.59, −0.53]: finite widths steepen the line by
        // 0.06–0.08. ±0.15 (the report's exponent allowance) holds both with room for seed noise (CI ±0.05).
        var fit = Result.LuoCell(0, 0.5).RdWFit!;
        Assert.InRange(fit.Slope, -0.65, -0.35);
        Assert.Equal(ClaimVerdict.Reproduced, Result.Claim("luo.ntk-slope").Verdict);
    }

    [Fact]
    public void Lecun_point_moves_like_m_to_the_minus_three_halves()
    {
        // Measured: reduced −1.59 [−1.67, −1.51], full −1.71 [−1.80, −1.62]; these runs stop on the step budget
        // (20000) rather than the loss tolerance, and the widest nets move so little (RD_w ≈ 1e−5 at m = 10⁴) that the
        // slope drifts steeper with width. ±0.3 covers both measurements; the sign and the gap to the NTK
        // point's −½ are what the test guards.
        var fit = Result.LuoCell(0.5, 0.5).RdWFit!;
        Assert.InRange(fit.Slope, -1.8, -1.2);
        Assert.True(fit.High < Result.LuoCell(0, 0.5).RdWFit!.Low, "LeCun/He must move markedly less with width than NTK");
    }

    [Fact]
    public void Mean_field_kink_is_critical()
    {
        // Measured: reduced −0.03 [−0.08, +0.01], full −0.02 [−0.05, +0.00]; the critical band is |s| ≤ 0.1.
        var fit = Result.LuoCell(0, 1).RdWFit!;
        Assert.InRange(fit.Slope, -PhaseAnalyzer.CriticalSlope, PhaseAnalyzer.CriticalSlope);
    }

    [Fact]
    public void Every_cell_lies_on_the_side_of_the_boundary_theory_puts_it()
    {
        // Measured: all 12 reduced cells agree; the narrowest margins are the boundary cell (−½, 1) at s = +0.03
        // [0.00, 0.07] (threshold 0.1) and the condensed cell (0, 1.5) at +0.24 [0.20, 0.28]. Full: 52 of 54 cells
        // agree; the other two, (1.5, 0.5) and (1.5, 0.75), have RD_w below float32 resolution (exactly 0), no slope.
        Assert.All(Result.Analysis.Cells, cell =>
        {
            var side = LuoClaims.Side(cell);
            var expected = side switch
            {
                TheorySide.Linear => CellRegime.Lazy,
                TheorySide.Condensed => CellRegime.Condensed,
                _ => CellRegime.Critical,
            };
            Assert.True(expected == cell.Regime, $"{cell.Label}: theory says {side}, measured {cell.Regime} (s = {cell.RdWFit?.Slope:0.###})");
        });
        Assert.Equal(ClaimVerdict.Reproduced, Result.Claim("luo.linear-side").Verdict);
        Assert.Equal(ClaimVerdict.Reproduced, Result.Claim("luo.condensed-side").Verdict);
        Assert.Equal(ClaimVerdict.Reproduced, Result.Claim("luo.boundary-critical").Verdict);
    }

    [Fact]
    public void Kernel_change_follows_the_linear_side_but_not_every_condensed_cell()
    {
        // Linear side: every ΔK slope is clearly negative (reduced −0.60 to −3.0), as theory says.
        foreach (var cell in Result.Analysis.Cells.Where(cell => LuoClaims.Side(cell) == TheorySide.Linear))
        {
            Assert.True(cell.KernelChangeFit!.Slope < -PhaseAnalyzer.CriticalSlope, $"{cell.Label}: s(ΔK) = {cell.KernelChangeFit.Slope:0.###}");
        }

        // Condensed side: what does not reproduce. At (−½, 1.5) RD_w grows (s = +0.49) but ΔK shrinks with width
        // (reduced s(ΔK) = −0.20 [−0.35, −0.05]; full: the same at (−½, 1.25), (−¼, 1.25) and (−½, 1.5)), so
        // ΔK does not follow RD_w next to the γ′ < 0 leg. At (0, 1.5) it does (s(ΔK) = +0.32).
        Assert.True(Result.LuoCell(0, 1.5).KernelChangeFit!.Slope > PhaseAnalyzer.CriticalSlope);
        Assert.True(Result.LuoCell(-0.5, 1.5).KernelChangeFit!.Slope < 0);
        // Share of off-boundary cells that agree: reduced 8/9, full 43/46; the claim asks for 85%.
        Assert.InRange(Result.Claim("luo.kernel-side").MeasuredValue, LuoClaims.SideAgreement, 1);
    }
}
