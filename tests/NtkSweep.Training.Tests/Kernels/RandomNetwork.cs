using NtkSweep.Training.Random;

namespace NtkSweep.Training.Tests.Kernels;

/// <summary>
/// A small random two-layer problem in float64 (inputs, weights, output gradient), built so that no pre-activation is
/// close to zero: finite differences and float32 paths then see the same ReLU masks as the exact computation.
/// </summary>
internal sealed class RandomNetwork
{
    private RandomNetwork(int sampleCount, int channels, int width, double[] inputs, double[] inputWeights, double[] outputWeights, double[] outputGradient)
    {
        SampleCount = sampleCount;
        Channels = channels;
        Width = width;
        Inputs = inputs;
        InputWeights = inputWeights;
        OutputWeights = outputWeights;
        OutputGradient = outputGradient;
    }

    public int SampleCount { get; }

    public int Channels { get; }

    public int Width { get; }

    // [sampleCount, channels]
    public double[] Inputs { get; }

    // [channels, width]
    public double[] InputWeights { get; }

    // [width]
    public double[] OutputWeights { get; }

    // [sampleCount]
    public double[] OutputGradient { get; }

    /// <summary>
    /// Values are rounded to float32 so that the float32 kernels and the float64 oracle see identical numbers.
    /// Each neuron is redrawn until |w_k·x_i| ≥ <paramref name="margin"/> for every sample.
    /// </summary>
    public static RandomNetwork Create(int sampleCount, int channels, int width, ulong seed, double margin = 1e-2)
    {
        var rng = new Xoshiro256(seed);
        var inputs = new double[sampleCount * channels];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)rng.NextGaussian();
        }

        var inputWeights = new double[channels * width];
        for (var k = 0; k < width; k++)
        {
            var attempts = 0;
            while (true)
            {
                for (var j = 0; j < channels; j++)
                {
                    inputWeights[j * width + k] = (float)rng.NextGaussian();
                }

                if (MinimumPreActivation(inputs, inputWeights, sampleCount, channels, width, k) >= margin)
                {
                    break;
                }

                if (++attempts > 10_000)
                {
                    throw new InvalidOperationException("Could not draw a neuron away from the ReLU kink.");
                }
            }
        }

        var outputWeights = new double[width];
        for (var k = 0; k < width; k++)
        {
            outputWeights[k] = (float)rng.NextGaussian();
        }

        var outputGradient = new double[sampleCount];
        for (var i = 0; i < sampleCount; i++)
        {
            outputGradient[i] = (float)rng.NextGaussian();
        }

        return new RandomNetwork(sampleCount, channels, width, inputs, inputWeights, outputWeights, outputGradient);
    }

    private static double MinimumPreActivation(double[] inputs, double[] inputWeights, int sampleCount, int channels, int width, int neuron)
    {
        var minimum = double.PositiveInfinity;
        for (var i = 0; i < sampleCount; i++)
        {
            double sum = 0;
            for (var j = 0; j < channels; j++)
            {
                sum += inputs[i * channels + j] * inputWeights[j * width + neuron];
            }

            minimum = Math.Min(minimum, Math.Abs(sum));
        }

        return minimum;
    }
}
