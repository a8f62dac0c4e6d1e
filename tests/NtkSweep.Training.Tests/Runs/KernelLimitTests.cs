using NtkSweep.Training.Data;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>The infinite-width NTK predictor every run trains beside the net (SCIENCE.md §6).</summary>
public sealed class KernelLimitTests
{
    /// <summary>
    /// With antisymmetric init f₀ = 0, so the predictor depends only on Θ, the data and the steps: the run's
    /// kernelLimitTestLoss must equal r_{t+1} = (I − ηΘ/n)·r_t on the training set, F(x) = −(η/n)·Σ_t Θ(x, X)·r_t, done here
    /// step by step. Steps stay below the kernel's stability limit (beyond it the predictor takes substeps). f₀ is 0 up
    /// to the float32 rounding of the mirrored neurons' sums, hence the 1e-5 relative tolerance.
    /// </summary>
    [Theory]
    [InlineData("ntk", 0.05)]
    [InlineData("lecun", 0.01)]
    public void Predictor_equals_the_explicit_function_space_iteration_with_the_nets_steps(string preset, double learningRate)
    {
        const int samples = 16;
        const int testSamples = 8;
        const int steps = 150;
        var spec = new RunSpecBuilder()
            .Set("inputDim", 3).Set("trainSamples", samples).Set("testSamples", testSamples).Set("width", 64)
            .Set("preset", preset).Set("antisymmetric", true).Set("stepRule", "fixed").Set("learningRate", learningRate)
            .Set("maxSteps", steps).Set("lossTolerance", 0.0).Set("seed", 4)
            .Build();
        var result = Trainer.Run(spec, KernelPath.Reference);
        Assert.Equal(steps, result.Steps);

        var data = Dataset.Create(spec);
        var channels = spec.InputChannels;
        var train = new double[samples * samples];
        var cross = new double[testSamples * samples];
        InfiniteWidthKernel.Ntk(data.TrainInputs, samples, data.TrainInputs, samples, channels, channels, spec.Resolve(), spec.Width, train);
        InfiniteWidthKernel.Ntk(data.TestInputs, testSamples, data.TrainInputs, samples, channels, channels, spec.Resolve(), spec.Width, cross);
        var residual = data.TrainTargets.Select(target => -(double)target).ToArray();
        var test = new double[testSamples];
        for (var step = 0; step < steps; step++)
        {
            for (var i = 0; i < testSamples; i++)
            {
                test[i] -= learningRate / samples * Enumerable.Range(0, samples).Sum(j => cross[i * samples + j] * residual[j]);
            }

            residual = Enumerable.Range(0, samples).Select(i => residual[i] - learningRate / samples * Enumerable.Range(0, samples).Sum(j => train[i * samples + j] * residual[j])).ToArray();
        }

        var expectedLoss = 0.5 * Enumerable.Range(0, testSamples).Sum(i => (test[i] - data.TestTargets[i]) * (test[i] - data.TestTargets[i])) / testSamples;
        Assert.NotNull(result.KernelLimitTestLoss);
        Assert.Equal(expectedLoss, result.KernelLimitTestLoss.Value, 1e-5 * expectedLoss);
        Assert.NotNull(result.KernelLimitDistance);
        Assert.True(result.KernelLimitDistance > 0);
    }

    [Fact]
    public void Weight_decay_has_no_kernel_limit_and_leaves_the_fields_null()
    {
        var spec = new RunSpecBuilder().Set("data", "luo1d").Set("width", 32).Set("weightDecay", 1e-3).Set("maxSteps", 50).Build();
        var result = Trainer.Run(spec, KernelFactory.Best);
        Assert.Null(result.KernelLimitDistance);
        Assert.Null(result.KernelLimitTestLoss);
        Assert.Contains("\"kernelLimitDistance\":null", RunResultJson.Write(result), StringComparison.Ordinal);
    }

    /// <summary>
    /// Lee et al. (2019): a lazy net stays within O(m^−½) of its kernel predictor. Measured (teacher data, d = 16,
    /// n = 256, NTK preset, seed 1): D_f = 0.58, 0.38, 0.19 at m = 64, 256, 1024 (slope −0.40; seed 2: 0.51, 0.41, 0.21),
    /// then 0.092 and 0.053 at m = 4096 and 16384.
    /// </summary>
    [Fact]
    public void Kernel_limit_distance_at_the_ntk_point_falls_with_width()
    {
        int[] widths = [64, 256, 1024];
        var distances = widths.Select(width => Trainer.Run(new RunSpecBuilder().Set("preset", "ntk").Set("width", width).Set("seed", 1).Build(), KernelFactory.Best).KernelLimitDistance!.Value).ToArray();
        for (var i = 1; i < distances.Length; i++)
        {
            Assert.True(distances[i] < distances[i - 1], $"D_f at m = {widths[i]} ({distances[i]:F3}) must be below that at m = {widths[i - 1]} ({distances[i - 1]:F3})");
        }

        Assert.InRange(PhysicsMath.Slope(widths, distances), -0.75, -0.25);
    }
}
