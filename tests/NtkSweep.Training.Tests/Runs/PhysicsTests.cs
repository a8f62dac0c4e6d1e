using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>
/// The regimes of SCIENCE.md §5 at small scale. Bounds come from measuring this engine (seeds 1–5 on the Luo task,
/// 1–6 on teacher–student, Vector512 path) and are set with a margin around the measured spread, never wider than the
/// science's own labels (lazy s &lt; −0.1, critical |s| ≤ 0.1, condensed s &gt; +0.1).
/// </summary>
public sealed class PhysicsTests
{
    private static readonly int[] Widths = [64, 256, 1024];

    /// <summary>
    /// Measured rdW (seed 1): 0.157, 0.0827, 0.0381 — fitted slope −0.51; seeds 1–5 give −0.51 … −0.57, and ΔK slopes
    /// −0.70 … −0.93. Theory: RD_w ~ m^(−½). The ±0.25 band is about four times the seed spread around −0.5.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Ntk_point_on_luo_task_is_lazy_with_rd_w_falling_like_m_to_minus_one_half(int seed)
    {
        var results = Widths.Select(width => Trainer.Run(Luo(width, """ "preset":"ntk" """, seed), KernelFactory.Best)).ToArray();
        var rdW = results.Select(result => result.RdW).ToArray();

        AssertStrictly(rdW, decreasing: true, "RD_w at the NTK point");
        var slope = Slope(Widths, rdW);
        Assert.InRange(slope, -0.75, -0.25);
        Assert.True(Slope(Widths, results.Select(result => result.KernelChange).ToArray()) < -0.1, "ΔK must fall with width at the NTK point");
    }

    /// <summary>
    /// Measured rdW (seed 1): 3.67, 7.58, 9.09 — slope +0.33; seeds 1–5 give +0.24 … +0.41; ΔK grows too
    /// (slopes +0.35 … +0.68).
    /// Theory: γ &gt; 1, γ' &lt; γ − 1 is condensed and RD_w → ∞.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Condensed_point_gamma_one_and_a_half_has_rd_w_growing_with_width(int seed)
    {
        var results = Widths.Select(width => Trainer.Run(Luo(width, """ "gamma":1.5,"gammaPrime":0 """, seed), KernelFactory.Best)).ToArray();
        var rdW = results.Select(result => result.RdW).ToArray();

        AssertStrictly(rdW, decreasing: false, "RD_w at γ = 1.5");
        Assert.True(Slope(Widths, rdW) > 0.1, FormattableString.Invariant($"RD_w slope {Slope(Widths, rdW):F3} must be above +0.1 (condensed)"));
        Assert.True(Slope(Widths, results.Select(result => result.KernelChange).ToArray()) > 0.1, "ΔK must grow with width at γ = 1.5");
    }

    /// <summary>
    /// Measured rdW (seeds 1–5): 0.83 … 1.08 at every width, slopes −0.054 … +0.015. Mean-field sits on the boundary:
    /// RD_w of order one and no scaling, i.e. SCIENCE's critical label |s| ≤ 0.1.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Mean_field_point_keeps_rd_w_of_order_one_across_widths(int seed)
    {
        var rdW = Widths.Select(width => Trainer.Run(Luo(width, """ "gamma":1,"gammaPrime":0 """, seed), KernelFactory.Best).RdW).ToArray();

        Assert.All(rdW, value => Assert.InRange(value, 0.1, 10));
        var slope = Slope(Widths, rdW);
        Assert.True(Math.Abs(slope) <= 0.1, FormattableString.Invariant($"mean-field RD_w slope {slope:F3} must be critical (|s| ≤ 0.1); RD_w = {string.Join(", ", rdW)}"));
    }

    /// <summary>
    /// Zhou–Ge: with weight decay the student's mass gathers in one cluster per teacher and far neurons vanish.
    /// Measured (seeds 1–6, 1500 steps): NTK init, λ = 3e-3: far mass ≤ 2e-4, cluster masses 0.83–0.90, mass-weighted
    /// angles 4–7.5°, decay budget λΣη 6.6–8.1; mean-field init, λ = 1e-3: far mass ≤ 2e-4, cluster masses 0.68–0.79,
    /// angles 8–13°. Thresholds: far mass &lt; 0.01 (50× the worst measured), each cluster above half its |a*|.
    /// </summary>
    [Theory]
    [InlineData("ntk", 3e-3, 1)]
    [InlineData("ntk", 3e-3, 2)]
    [InlineData("mean-field", 1e-3, 1)]
    [InlineData("mean-field", 1e-3, 2)]
    public void Teacher_student_with_weight_decay_gathers_mass_on_every_teacher(string preset, double weightDecay, int seed)
    {
        var spec = Teacher(preset, weightDecay, seed);
        var result = Trainer.Run(spec, KernelFactory.Best);

        Assert.True(result.FarMass < 0.01, FormattableString.Invariant($"far mass {result.FarMass:g3}"));
        Assert.Equal(2, result.TeacherClusters.Count);
        Assert.All(result.TeacherClusters, cluster =>
        {
            Assert.True(cluster.Mass > 0.5 * Math.Abs(cluster.TeacherWeight), FormattableString.Invariant($"teacher {cluster.Teacher}: cluster mass {cluster.Mass:g3}"));
            Assert.True(cluster.Neurons > 0);
            Assert.InRange(cluster.AngleDeg, 0, 15);
        });
        Assert.True(result.DecayBudget > 1, FormattableString.Invariant($"decay budget {result.DecayBudget:g3} should exceed 1 for weight decay to pull the net out of the lazy regime"));
    }

    /// <summary>
    /// The other half of Zhou–Ge: without decay an NTK-initialized net stays lazy and keeps its mass where it started,
    /// far from the teacher directions. Measured (seeds 1–6): far mass 0.94–1.0, RD_w 0.17–0.20.
    /// </summary>
    [Fact]
    public void Teacher_student_without_weight_decay_at_ntk_init_keeps_most_mass_far()
    {
        var result = Trainer.Run(Teacher("ntk", 0, 1), KernelFactory.Best);
        Assert.True(result.FarMass > 0.8, FormattableString.Invariant($"far mass {result.FarMass:g3}"));
        Assert.True(result.RdW < 0.5, FormattableString.Invariant($"RD_w {result.RdW:g3}"));
        Assert.Equal(0, result.DecayBudget);
    }

    private static RunSpec Luo(int width, string parametrization, int seed) =>
        RunSpecJson.Parse(FormattableString.Invariant($"{{\"data\":\"luo1d\",\"width\":{width},\"antisymmetric\":true,{parametrization},\"maxSteps\":20000,\"seed\":{seed}}}"));

    private static RunSpec Teacher(string preset, double weightDecay, int seed) =>
        RunSpecJson.Parse(FormattableString.Invariant(
            $"{{\"data\":\"teacher\",\"inputDim\":8,\"teachers\":2,\"width\":64,\"preset\":\"{preset}\",\"weightDecay\":{weightDecay:R},\"maxSteps\":1500,\"lossTolerance\":0,\"seed\":{seed}}}"));

    /// <summary>Least-squares slope of log(value) against log(width).</summary>
    private static double Slope(int[] widths, double[] values) => PhysicsMath.Slope(widths, values);

    private static void AssertStrictly(double[] values, bool decreasing, string what)
    {
        for (var i = 1; i < values.Length; i++)
        {
            var ordered = decreasing ? values[i] < values[i - 1] : values[i] > values[i - 1];
            Assert.True(ordered, FormattableString.Invariant($"{what} must be strictly {(decreasing ? "decreasing" : "increasing")} in width: {string.Join(", ", values)}"));
        }
    }
}
