using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Reports.Claims;

namespace NtkSweep.Sweeps.Tests.Papers;

/// <summary>
/// sweeps/reduced/zhou-ge-weight-decay.yaml run for real: teacher–student in d = 8 with three teachers (a* = 1, −1, 1),
/// m = 128, Xavier (rich) and NTK (lazy) starts, λ ∈ {0, 1e−4, 1e−3}, 2 seeds. "Full" numbers come from
/// sweeps/zhou-ge-weight-decay.yaml (m = 256 and 1024, λ ∈ {0, 1e−5, 1e−4, 1e−3}, 3 seeds), read at m = 1024.
/// </summary>
public sealed class ZhouGeWeightDecayTests
{
    private static ReducedSweepResult Result => ReducedSweeps.Get("zhou-ge-weight-decay");

    private static WidthAggregate At(string preset, string decay) =>
        Result.Cell(("preset", preset), ("weightDecay", decay)).LargestDoneWidth!;

    [Fact]
    public void Starts_are_told_apart_by_their_gamma()
    {
        Assert.Equal(PaperKind.ZhouGeWeightDecay, Result.Claims.Paper);
        Assert.True(ZhouGeClaims.IsRich(Result.Cell(("preset", "xavier"), ("weightDecay", "0"))));
        Assert.False(ZhouGeClaims.IsRich(Result.Cell(("preset", "ntk"), ("weightDecay", "0"))));
    }

    [Fact]
    public void With_enough_decay_every_teacher_gets_a_cluster_and_far_mass_vanishes()
    {
        // Measured: the three cells with budget ≥ 1 (ntk λ = 1e−4: 7.3; ntk λ = 1e−3: 106; xavier λ = 1e−3: 8.8) cover
        // every teacher with far mass ≤ 0.0099 (full: ≤ 0.028). 0.05 is twice the full sweep's worst case and well
        // inside the dead band's 0.2.
        var decayed = Result.Analysis.Cells.Where(cell => cell.Runs[0].Spec.WeightDecay > 0 && cell.LargestDoneWidth!.DecayBudget.Value >= ZhouGeClaims.SufficientBudget).ToArray();
        Assert.Equal(3, decayed.Length);
        Assert.All(decayed, cell =>
        {
            Assert.True(cell.LargestDoneWidth!.EveryTeacherCovered, cell.Label);
            Assert.InRange(cell.LargestDoneWidth.FarMass.Value, 0, 0.05);
        });
        Assert.Equal(ClaimVerdict.Reproduced, Result.Claim("zhouge.decay-coverage").Verdict);
    }

    [Theory]
    [InlineData("ntk", "0.0001")]
    [InlineData("xavier", "0.001")]
    public void Clusters_carry_the_teacher_weight_at_moderate_decay(string preset, string decay)
    {
        // Measured: cluster mass / |a*_i| = 0.985–0.992 here, 0.957–0.990 in the full sweep: within 5%.
        var cell = At(preset, decay);
        Assert.All(cell.TeacherClusterMass.Select((mass, index) => mass / cell.TeacherWeight[index]), ratio => Assert.InRange(ratio, 0.95, 1.05));
    }

    [Fact]
    public void Strong_decay_on_a_lazy_start_shrinks_the_clusters_below_the_teacher_weight()
    {
        // What does not reproduce as stated: at λ = 1e−3 the NTK-scaled net (α = √m, so representing the teacher
        // costs √m times more norm) is over-regularized: cluster masses are 0.87–0.93 of |a*| here and 0.72–0.84 in
        // the full sweep at m = 1024 (test loss 0.0022 here and 0.014 in the full sweep, against 3.1e−5 and 2.5e−4 at λ = 1e−4). The clusters are there;
        // their mass is biased low by the decay, more so at larger m.
        var cell = At("ntk", "0.001");
        Assert.All(cell.TeacherClusterMass.Select((mass, index) => mass / cell.TeacherWeight[index]), ratio => Assert.InRange(ratio, 0.5, 0.95));
    }

    [Fact]
    public void Without_decay_a_lazy_net_keeps_its_mass_far_from_the_teacher()
    {
        // Measured: far mass 1.00 and empty clusters for the NTK start without decay (reduced and full).
        var lazy = At("ntk", "0");
        Assert.InRange(lazy.FarMass.Value, 0.9, 1);
        Assert.False(lazy.EveryTeacherCovered);
    }

    [Fact]
    public void Decay_budget_moves_the_lazy_start_into_feature_learning()
    {
        // Measured: NTK without decay is intermediate here (RD_w 0.22 at m = 128) and lazy at m = 1024 (RD_w 0.066);
        // with λ = 1e−4 (budget 7.3) it is feature learning (RD_w 0.96, far mass 0.0025).
        Assert.NotEqual(CellRegime.FeatureLearning, Result.Cell(("preset", "ntk"), ("weightDecay", "0")).Regime);
        Assert.Equal(CellRegime.FeatureLearning, Result.Cell(("preset", "ntk"), ("weightDecay", "0.0001")).Regime);
        Assert.True(At("ntk", "0.0001").DecayBudget.Value >= ZhouGeClaims.SufficientBudget);
        Assert.Equal(ClaimVerdict.Reproduced, Result.Claim("zhouge.decay-moves-lazy").Verdict);
    }

    [Fact]
    public void Learning_the_features_lowers_the_test_loss()
    {
        // Measured: NTK start test loss 0.025 without decay, 3.1e−5 with λ = 1e−4 (ratio 0.0013; full 0.0065).
        // A tenfold drop is the weakest statement both runs clear by a wide margin.
        Assert.True(At("ntk", "0.0001").TestLoss.Value < 0.1 * At("ntk", "0").TestLoss.Value);
    }
}
