using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Specs;

/// <summary>Resolve against the formulas of SCIENCE.md §1, and the presets against their (γ', γ) points.</summary>
public sealed class ParametrizationTests
{
    private static readonly int[] Widths = [2, 7, 64, 1000, 65_536, 1 << 20];

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(100)]
    public void Presets_resolve_to_the_scales_of_the_science_table(int inputDim)
    {
        foreach (var m in Widths)
        {
            AssertScales(Parametrization.FromPreset(Preset.Ntk).Resolve(m, inputDim), Math.Sqrt(m), 1, 1);
            AssertScales(Parametrization.FromPreset(Preset.MeanField).Resolve(m, inputDim), m, 1, 1);
            AssertScales(Parametrization.FromPreset(Preset.Xavier).Resolve(m, inputDim), 1, Math.Sqrt(2.0 / (m + 1)), Math.Sqrt(2.0 / (inputDim + m)));
            AssertScales(Parametrization.FromPreset(Preset.LeCun).Resolve(m, inputDim), 1, Math.Sqrt(1.0 / m), Math.Sqrt(1.0 / inputDim));
            AssertScales(Parametrization.FromPreset(Preset.He).Resolve(m, inputDim), 1, Math.Sqrt(2.0 / m), Math.Sqrt(2.0 / inputDim));
        }
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(1.5, 0.0)]
    [InlineData(1.25, 0.5)]
    [InlineData(0.75, -0.5)]
    [InlineData(2.0, 1.0)]
    public void Luo_coordinates_resolve_to_beta1_one_and_reproduce_gamma_and_gamma_prime(double gamma, double gammaPrime)
    {
        foreach (var m in Widths)
        {
            var scales = Parametrization.FromLuo(gamma, gammaPrime).Resolve(m, 3);
            AssertScales(scales, Math.Pow(m, gamma + gammaPrime), 1, Math.Pow(m, gammaPrime));
            Assert.Equal(gamma, scales.Gamma(m), 10);
            Assert.Equal(gammaPrime, scales.GammaPrime(m), 10);

            // The definitions themselves: κ = β1β2/α = m^(−γ), κ' = β1/β2 = m^(−γ').
            Assert.Equal(Math.Pow(m, -gamma), scales.Beta1 * scales.Beta2 / scales.Alpha, 1e-9 * Math.Pow(m, -gamma));
            Assert.Equal(Math.Pow(m, -gammaPrime), scales.Beta1 / scales.Beta2, 1e-9 * Math.Pow(m, -gammaPrime));
            Assert.False(scales.Centered);
            Assert.Equal(1, scales.OutputScale);
            Assert.Equal(1, scales.LossScale);
        }
    }

    [Fact]
    public void Geiger_form_is_an_ntk_scaled_centred_net_with_output_scale_alpha_g_and_loss_scale_alpha_g_to_minus_two()
    {
        foreach (var alphaG in new[] { 1e-3, 0.1, 1, 30 })
        {
            foreach (var m in Widths)
            {
                var scales = Parametrization.FromGeiger(alphaG).Resolve(m, 4);
                AssertScales(scales, Math.Sqrt(m), 1, 1);
                Assert.True(scales.Centered);
                Assert.Equal(alphaG, scales.OutputScale, 15);
                Assert.Equal(1 / (alphaG * alphaG), scales.LossScale, 1e-12 / (alphaG * alphaG));
            }
        }
    }

    /// <summary>
    /// SCIENCE.md §1: Geiger's crossover α_G* ∝ m^(−½) is Luo's γ = 1 line. Training F = α_G·(f − f₀) on α_G⁻²·ℓ is,
    /// up to a time rescaling and the constant f₀, Luo's net with output scale α/α_G, so the γ a Geiger run stands at
    /// is −log(β1β2·α_G/α)/log m = ½ − log α_G/log m (γ' is unchanged). The run result reports
    /// <see cref="ResolvedParametrization.Gamma"/>, so that is where the phase diagram reads it from.
    /// </summary>
    [Fact]
    public void Geiger_form_reports_the_luo_gamma_it_stands_at()
    {
        foreach (var m in new[] { 16, 256, 4096 })
        {
            foreach (var alphaG in new[] { 1 / Math.Sqrt(m), 0.1, 1, 10 })
            {
                var scales = Parametrization.FromGeiger(alphaG).Resolve(m, 4);
                Assert.Equal(0.5 - Math.Log(alphaG) / Math.Log(m), scales.Gamma(m), 10);
                Assert.Equal(0, scales.GammaPrime(m), 10);
            }

            Assert.Equal(1, Parametrization.FromGeiger(1 / Math.Sqrt(m)).Resolve(m, 4).Gamma(m), 10);
        }
    }

    [Fact]
    public void Explicit_form_passes_its_scales_through()
    {
        var scales = Parametrization.FromExplicit(3.5, 0.25, 2).Resolve(100, 10);
        AssertScales(scales, 3.5, 0.25, 2);
        Assert.False(scales.Centered);
    }

    [Fact]
    public void Ntk_and_mean_field_presets_sit_exactly_at_their_points()
    {
        foreach (var m in Widths)
        {
            var ntk = Parametrization.FromPreset(Preset.Ntk).Resolve(m, 5);
            Assert.Equal(0.5, ntk.Gamma(m), 12);
            Assert.Equal(0, ntk.GammaPrime(m), 12);
            var meanField = Parametrization.FromPreset(Preset.MeanField).Resolve(m, 5);
            Assert.Equal(1, meanField.Gamma(m), 12);
            Assert.Equal(0, meanField.GammaPrime(m), 12);
        }
    }

    /// <summary>
    /// The fan-in presets differ from their points by width-independent factors in κ and κ' (2, √d, √(2/d)…), which
    /// move γ and γ' by log(factor)/log m. So "≈" in SCIENCE.md means: within C/log m of the point, with C the log of
    /// that factor, and converging as m grows. The tolerance is that bound, not a fitted number.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(100)]
    public void LeCun_and_He_presets_approach_one_half_one_half_within_log_factor_over_log_m(int inputDim)
    {
        var halfLogD = 0.5 * Math.Log(inputDim);
        foreach (var preset in new[] { Preset.LeCun, Preset.He })
        {
            var previousDeviation = double.PositiveInfinity;
            var constant = halfLogD + (preset == Preset.He ? Math.Log(2) : 0);
            foreach (var m in Widths)
            {
                var scales = Parametrization.FromPreset(preset).Resolve(m, inputDim);
                var bound = constant / Math.Log(m) + 1e-12;
                var deviation = Math.Max(Math.Abs(scales.Gamma(m) - 0.5), Math.Abs(scales.GammaPrime(m) - 0.5));
                Assert.True(deviation <= bound, FormattableString.Invariant($"{preset} m={m} d={inputDim}: (γ', γ) = ({scales.GammaPrime(m)}, {scales.Gamma(m)}), bound {bound}"));
                Assert.True(deviation <= previousDeviation + 1e-12, $"{preset}: deviation must shrink as m grows");
                previousDeviation = deviation;
            }
        }

        // With d = 1 LeCun sits exactly on the point.
        if (inputDim == 1)
        {
            var lecun = Parametrization.FromPreset(Preset.LeCun).Resolve(64, 1);
            Assert.Equal(0.5, lecun.Gamma(64), 12);
            Assert.Equal(0.5, lecun.GammaPrime(64), 12);
        }
    }

    /// <summary>
    /// Xavier: κ = 2/√((m+1)(d+m)) ≈ 2/m and κ' = √((d+m)/(m+1)) ≈ 1, so γ is within (log 2 + d/m)/log m of 1 and
    /// γ' within (d/m)/log m of 0.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(100)]
    public void Xavier_preset_approaches_zero_one_within_log_factor_over_log_m(int inputDim)
    {
        var previousDeviation = double.PositiveInfinity;
        foreach (var m in Widths)
        {
            var scales = Parametrization.FromPreset(Preset.Xavier).Resolve(m, inputDim);
            var logM = Math.Log(m);
            var ratio = (double)(inputDim + 1) / m;
            Assert.True(Math.Abs(scales.Gamma(m) - 1) <= (Math.Log(2) + ratio) / logM + 1e-12, FormattableString.Invariant($"m={m}: γ = {scales.Gamma(m)}"));
            Assert.True(Math.Abs(scales.GammaPrime(m)) <= ratio / logM + 1e-12, FormattableString.Invariant($"m={m}: γ' = {scales.GammaPrime(m)}"));
            var deviation = Math.Abs(scales.Gamma(m) - 1) + Math.Abs(scales.GammaPrime(m));
            if (m >= 64)
            {
                Assert.True(deviation <= previousDeviation, "Xavier's deviation from (0, 1) must shrink as m grows");
            }

            previousDeviation = deviation;
        }
    }

    [Fact]
    public void Gamma_is_nan_for_width_one_as_documented()
    {
        // ResolvedParametrization documents "NaN for width 1"; log(1) = 0 makes γ = −log κ / 0, which is ±∞ unless κ = 1.
        var scales = Parametrization.FromExplicit(2, 1, 1).Resolve(1, 3);
        Assert.True(double.IsNaN(scales.Gamma(1)), FormattableString.Invariant($"γ(1) = {scales.Gamma(1)}"));
        Assert.True(double.IsNaN(Parametrization.FromExplicit(1, 2, 1).Resolve(1, 3).GammaPrime(1)));
    }

    [Fact]
    public void Labels_name_each_form()
    {
        Assert.Equal("ntk", Parametrization.FromPreset(Preset.Ntk).Label);
        Assert.Equal("mean-field", Parametrization.FromPreset(Preset.MeanField).Label);
        Assert.Equal("γ=1.25 γ'=0", Parametrization.FromLuo(1.25, 0).Label);
        Assert.Equal("α_G=0.1", Parametrization.FromGeiger(0.1).Label);
        Assert.Equal("α=32 β1=1 β2=0.5", Parametrization.FromExplicit(32, 1, 0.5).Label);
    }

    private static void AssertScales(ResolvedParametrization scales, double alpha, double beta1, double beta2)
    {
        Assert.Equal(alpha, scales.Alpha, 1e-12 * alpha);
        Assert.Equal(beta1, scales.Beta1, 1e-12 * beta1);
        Assert.Equal(beta2, scales.Beta2, 1e-12 * beta2);
    }
}
