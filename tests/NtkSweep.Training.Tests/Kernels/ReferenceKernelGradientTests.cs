using NtkSweep.Training.Kernels;

namespace NtkSweep.Training.Tests.Kernels;

/// <summary>
/// The float64 reference kernel is the oracle of every optimized path, so its gradient is checked against central
/// finite differences of L(θ) = Σ_i g_i·f(x_i) + (λ/2)(‖a‖² + ‖W‖²).
/// </summary>
public sealed class ReferenceKernelGradientTests
{
    private const double Step = 1e-6;

    public static TheoryData<int, int, int, double> Shapes => new()
    {
        { 1, 1, 1, 0.0 },
        { 3, 2, 1, 0.3 },
        { 4, 1, 3, 0.0 },
        { 5, 3, 7, 0.3 },
        { 9, 4, 7, 1.7 },
        { 6, 5, 16, 0.05 },
        { 13, 2, 33, 0.3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_matches_central_finite_differences_in_float64(int sampleCount, int channels, int width, double weightDecay)
    {
        var net = RandomNetwork.Create(sampleCount, channels, width, seed: (ulong)(sampleCount * 1000 + channels * 100 + width));
        const double inverseAlpha = 0.37;
        var activations = new double[sampleCount * width];
        var outputs = new double[sampleCount];
        ReferenceKernel<double>.Forward(net.Inputs, net.InputWeights, net.OutputWeights, sampleCount, channels, width, inverseAlpha, activations, outputs);
        var inputWeightGradient = new double[channels * width];
        var outputWeightGradient = new double[width];
        ReferenceKernel<double>.Backward(net.Inputs, net.InputWeights, net.OutputWeights, activations, net.OutputGradient, sampleCount, channels, width, inverseAlpha, weightDecay, inputWeightGradient, outputWeightGradient);

        var inputWeights = (double[])net.InputWeights.Clone();
        var outputWeights = (double[])net.OutputWeights.Clone();
        double Objective() => ObjectiveValue(net, inputWeights, outputWeights, inverseAlpha, weightDecay);

        for (var p = 0; p < inputWeights.Length; p++)
        {
            var difference = CentralDifference(inputWeights, p, Objective);
            AssertClose(inputWeightGradient[p], difference, $"∂L/∂W[{p / width}, {p % width}]");
        }

        for (var k = 0; k < width; k++)
        {
            var difference = CentralDifference(outputWeights, k, Objective);
            AssertClose(outputWeightGradient[k], difference, $"∂L/∂a[{k}]");
        }
    }

    [Fact]
    public void Forward_computes_the_scaled_relu_network_output()
    {
        const int sampleCount = 4;
        const int channels = 3;
        const int width = 5;
        var net = RandomNetwork.Create(sampleCount, channels, width, seed: 77);
        var activations = new double[sampleCount * width];
        var outputs = new double[sampleCount];
        ReferenceKernel<double>.Forward(net.Inputs, net.InputWeights, net.OutputWeights, sampleCount, channels, width, 0.25, activations, outputs);

        for (var i = 0; i < sampleCount; i++)
        {
            double expected = 0;
            for (var k = 0; k < width; k++)
            {
                double preActivation = 0;
                for (var j = 0; j < channels; j++)
                {
                    preActivation += net.Inputs[i * channels + j] * net.InputWeights[j * width + k];
                }

                Assert.Equal(Math.Max(0, preActivation), activations[i * width + k], 12);
                expected += net.OutputWeights[k] * Math.Max(0, preActivation);
            }

            Assert.Equal(0.25 * expected, outputs[i], 12);
        }
    }

    private static double ObjectiveValue(RandomNetwork net, double[] inputWeights, double[] outputWeights, double inverseAlpha, double weightDecay)
    {
        var activations = new double[net.SampleCount * net.Width];
        var outputs = new double[net.SampleCount];
        ReferenceKernel<double>.Forward(net.Inputs, inputWeights, outputWeights, net.SampleCount, net.Channels, net.Width, inverseAlpha, activations, outputs);
        double value = 0;
        for (var i = 0; i < net.SampleCount; i++)
        {
            value += net.OutputGradient[i] * outputs[i];
        }

        double norm = 0;
        foreach (var weight in inputWeights)
        {
            norm += weight * weight;
        }

        foreach (var weight in outputWeights)
        {
            norm += weight * weight;
        }

        return value + 0.5 * weightDecay * norm;
    }

    private static double CentralDifference(double[] parameters, int index, Func<double> objective)
    {
        var original = parameters[index];
        parameters[index] = original + Step;
        var plus = objective();
        parameters[index] = original - Step;
        var minus = objective();
        parameters[index] = original;
        return (plus - minus) / (2 * Step);
    }

    private static void AssertClose(double analytic, double numeric, string what)
    {
        // L is at most quadratic along any one coordinate away from ReLU kinks (the network is built with every
        // pre-activation ≥ 1e-2 from zero, far beyond the 1e-6 step), so the central difference is exact up to
        // rounding, about 1e-16·|L|/1e-6 ≈ 1e-9 here. 1e-6 relative, with a 1e-2 floor for near-zero entries.
        var tolerance = 1e-6 * (Math.Abs(analytic) + 1e-2);
        Assert.True(
            Math.Abs(analytic - numeric) <= tolerance,
            FormattableString.Invariant($"{what}: analytic {analytic:R} vs central difference {numeric:R} (tolerance {tolerance:g3})"));
    }
}
