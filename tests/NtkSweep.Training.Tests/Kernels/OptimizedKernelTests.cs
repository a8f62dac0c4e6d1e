using NtkSweep.Training.Kernels;

namespace NtkSweep.Training.Tests.Kernels;

/// <summary>
/// Every optimized path (blocked scalar, Vector256, Vector512) against the float32 reference path, on shapes that
/// exercise the remainder handling: widths and sample counts that are not block multiples, and channel counts that
/// need padding to the channel block and that mix the backward pass's 8-, 6-, 5- and 4-channel register blocks.
/// </summary>
public sealed class OptimizedKernelTests
{
    // Unit roundoff of float32.
    private const double Epsilon = 1.0 / (1 << 24);

    public static TheoryData<KernelPath, int, int, int, double> Cases()
    {
        var data = new TheoryData<KernelPath, int, int, int, double>();
        (int Samples, int Channels, int Width, double Decay)[] shapes =
        [
            (1, 1, 1, 0.0),
            (5, 2, 1, 0.1),
            (7, 1, 7, 0.0),
            (13, 2, 7, 0.1),
            (6, 5, 33, 0.1),
            (11, 7, 33, 0.0),
            (17, 33, 7, 0.1),
            (8, 6, 16, 0.1),
            (25, 13, 40, 0.01),
            (12, 33, 33, 0.1),
            (9, 12, 33, 0.1),
            (6, 4, 32, 0.1),
            // Wide enough for the backward pass's four-tile sweeps on every lane width, with single tiles left over.
            (5, 3, 200, 0.1),
            (13, 9, 140, 0.0),
            // d = 32 as in the benchmarks: six- and four-channel blocks on 256-bit lanes, eights on 512-bit ones.
            (10, 32, 70, 0.1),
        ];
        foreach (var path in KernelFactory.OptimizedPaths)
        {
            foreach (var (samples, channels, width, decay) in shapes)
            {
                data.Add(path, samples, channels, width, decay);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Optimized_path_matches_reference_path_on_padded_buffers(KernelPath path, int sampleCount, int channels, int width, double weightDecay)
    {
        var net = RandomNetwork.Create(sampleCount, channels, width, seed: (ulong)(sampleCount * 10_000 + channels * 100 + width));
        const float inverseAlpha = 0.3f;
        var decay = (float)weightDecay;

        // Reference path on the exact shapes (its blocks are 1).
        var reference = KernelFactory.Create(KernelPath.Reference);
        var inputs = ToFloat(net.Inputs);
        var inputWeights = ToFloat(net.InputWeights);
        var outputWeights = ToFloat(net.OutputWeights);
        var outputGradient = ToFloat(net.OutputGradient);
        var expectedActivations = new float[sampleCount * width];
        var expectedOutputs = new float[sampleCount];
        var expectedInputGradient = new float[channels * width];
        var expectedOutputGradient = new float[width];
        var referencePattern = new uint[reference.PatternLength(sampleCount, width)];
        reference.Forward(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, expectedActivations, expectedOutputs);
        reference.ForwardPattern(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, referencePattern, new float[sampleCount]);
        reference.Backward(inputs, inputWeights, outputWeights, referencePattern, outputGradient, sampleCount, channels, width, inverseAlpha, decay, new float[reference.BackwardScratchLength(sampleCount, channels, width)], expectedInputGradient, expectedOutputGradient);

        // Optimized path on buffers padded as ITwoLayerKernel requires, zeros in the padding.
        var kernel = KernelFactory.Create(path);
        Assert.Equal(path, kernel.Path);
        var paddedSamples = RoundUp(sampleCount, kernel.SampleBlock);
        var paddedChannels = RoundUp(channels, kernel.ChannelBlock);
        var paddedWidth = RoundUp(width, kernel.WidthBlock);
        var paddedInputs = Pad(inputs, sampleCount, channels, paddedSamples, paddedChannels);
        var paddedInputWeights = Pad(inputWeights, channels, width, paddedChannels, paddedWidth);
        var paddedOutputWeights = Pad(outputWeights, 1, width, 1, paddedWidth);
        var paddedOutputGradient = Pad(outputGradient, 1, sampleCount, 1, paddedSamples);
        var activations = new float[paddedSamples * paddedWidth];
        var outputs = new float[paddedSamples];
        var inputGradient = new float[paddedChannels * paddedWidth];
        var outputGradientResult = new float[paddedWidth];
        var pattern = new uint[kernel.PatternLength(paddedSamples, paddedWidth)];
        kernel.Forward(paddedInputs, paddedInputWeights, paddedOutputWeights, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, activations, outputs);
        kernel.ForwardPattern(paddedInputs, paddedInputWeights, paddedOutputWeights, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, pattern, new float[paddedSamples]);
        kernel.Backward(paddedInputs, paddedInputWeights, paddedOutputWeights, pattern, paddedOutputGradient, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, decay, new float[kernel.BackwardScratchLength(paddedSamples, paddedChannels, paddedWidth)], inputGradient, outputGradientResult);

        // Worst-case float32 rounding bounds (Higham's γ_L = L·u for a length-L sum, u = 2⁻²⁴), applied to Σ|terms|
        // computed in float64: each path is within γ_L·Σ|terms| of the exact value, so they differ by at most twice
        // that. A real indexing or scaling bug gives differences of the size of the terms themselves.
        var magnitude = new double[sampleCount * width];
        for (var i = 0; i < sampleCount; i++)
        {
            for (var k = 0; k < width; k++)
            {
                double sum = 0;
                for (var j = 0; j < channels; j++)
                {
                    sum += Math.Abs(net.Inputs[i * channels + j] * net.InputWeights[j * width + k]);
                }

                magnitude[i * width + k] = sum;
            }
        }

        for (var i = 0; i < paddedSamples; i++)
        {
            for (var k = 0; k < paddedWidth; k++)
            {
                var actual = activations[i * paddedWidth + k];
                if (i >= sampleCount || k >= width)
                {
                    Assert.Equal(0f, actual);
                    continue;
                }

                var tolerance = 2 * (channels + 1) * Epsilon * magnitude[i * width + k];
                AssertWithin(expectedActivations[i * width + k], actual, tolerance, $"activation[{i}, {k}]");
            }
        }

        for (var i = 0; i < paddedSamples; i++)
        {
            if (i >= sampleCount)
            {
                Assert.Equal(0f, outputs[i]);
                continue;
            }

            double sum = 0;
            for (var k = 0; k < width; k++)
            {
                sum += Math.Abs(net.OutputWeights[k]) * magnitude[i * width + k];
            }

            var tolerance = 2 * (channels + width + 2) * Epsilon * inverseAlpha * sum;
            AssertWithin(expectedOutputs[i], outputs[i], tolerance, $"output[{i}]");
        }

        for (var k = 0; k < paddedWidth; k++)
        {
            if (k >= width)
            {
                Assert.Equal(0f, outputGradientResult[k]);
                continue;
            }

            double sum = 0;
            for (var i = 0; i < sampleCount; i++)
            {
                sum += Math.Abs(net.OutputGradient[i]) * magnitude[i * width + k];
            }

            var tolerance = 2 * (channels + sampleCount + 3) * Epsilon * (inverseAlpha * sum + Math.Abs(weightDecay * net.OutputWeights[k]));
            AssertWithin(expectedOutputGradient[k], outputGradientResult[k], tolerance, $"∂a[{k}]");
        }

        for (var j = 0; j < paddedChannels; j++)
        {
            for (var k = 0; k < paddedWidth; k++)
            {
                var actual = inputGradient[j * paddedWidth + k];
                if (j >= channels || k >= width)
                {
                    Assert.Equal(0f, actual);
                    continue;
                }

                double sum = 0;
                for (var i = 0; i < sampleCount; i++)
                {
                    sum += Math.Abs(net.Inputs[i * channels + j] * net.OutputGradient[i]);
                }

                var tolerance = 2 * (sampleCount + 4) * Epsilon * (inverseAlpha * Math.Abs(net.OutputWeights[k]) * sum + Math.Abs(weightDecay * net.InputWeights[j * width + k]));
                AssertWithin(expectedInputGradient[j * width + k], actual, tolerance, $"∂W[{j}, {k}]");
            }
        }
    }

    public static TheoryData<KernelPath> OptimizedPaths() => [.. KernelFactory.OptimizedPaths];

    [Theory]
    [MemberData(nameof(OptimizedPaths))]
    public void Blocked_path_rejects_unpadded_shapes(KernelPath path)
    {
        var kernel = KernelFactory.Create(path);
        var samples = kernel.SampleBlock + 1;
        var width = kernel.WidthBlock;
        Assert.Throws<ArgumentException>(() => kernel.Forward(
            new float[samples * 2], new float[2 * width], new float[width], samples, 2, width, 1f, new float[samples * width], new float[samples]));

        if (kernel.ChannelBlock > 1)
        {
            samples = kernel.SampleBlock;
            var channels = kernel.ChannelBlock + 1;
            Assert.Throws<ArgumentException>(() => kernel.Backward(
                new float[samples * channels], new float[channels * width], new float[width], new uint[kernel.PatternLength(samples, width)], new float[samples],
                samples, channels, width, 1f, 0f, new float[kernel.BackwardScratchLength(samples, channels, width)], new float[channels * width], new float[width]));
        }
    }

    public static TheoryData<KernelPath> Paths() => [.. KernelFactory.Paths];

    [Theory]
    [MemberData(nameof(Paths))]
    public void Pattern_forward_gives_the_outputs_of_the_activation_forward_bit_for_bit_and_the_bits_of_its_positive_activations(KernelPath path)
    {
        var kernel = KernelFactory.Create(path);
        const int sampleCount = 19;
        const int channels = 9;
        const int width = 150;
        var net = RandomNetwork.Create(sampleCount, channels, width, seed: 77);
        var paddedSamples = RoundUp(sampleCount, kernel.SampleBlock);
        var paddedChannels = RoundUp(channels, kernel.ChannelBlock);
        var paddedWidth = RoundUp(width, kernel.WidthBlock);
        var inputs = Pad(ToFloat(net.Inputs), sampleCount, channels, paddedSamples, paddedChannels);
        var inputWeights = Pad(ToFloat(net.InputWeights), channels, width, paddedChannels, paddedWidth);
        var outputWeights = Pad(ToFloat(net.OutputWeights), 1, width, 1, paddedWidth);
        var activations = new float[paddedSamples * paddedWidth];
        var outputs = new float[paddedSamples];
        var patternOutputs = new float[paddedSamples];
        var pattern = new uint[kernel.PatternLength(paddedSamples, paddedWidth)];
        kernel.Forward(inputs, inputWeights, outputWeights, paddedSamples, paddedChannels, paddedWidth, 0.3f, activations, outputs);
        kernel.ForwardPattern(inputs, inputWeights, outputWeights, paddedSamples, paddedChannels, paddedWidth, 0.3f, pattern, patternOutputs);

        Assert.Equal(outputs.Select(BitConverter.SingleToInt32Bits), patternOutputs.Select(BitConverter.SingleToInt32Bits));
        var on = 0;
        for (var i = 0; i < paddedSamples; i++)
        {
            for (var k = 0; k < paddedWidth; k++)
            {
                var bit = (pattern[k / kernel.WidthBlock * paddedSamples + i] >> (k % kernel.WidthBlock)) & 1;
                Assert.Equal(activations[i * paddedWidth + k] > 0 ? 1u : 0u, bit);
                on += (int)bit;
            }
        }

        // Both kinds of bit occur, so the comparison above could fail either way.
        Assert.InRange(on, 1, sampleCount * width - 1);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_nan_pre_activation_stays_nan_in_the_activations_and_the_outputs(KernelPath path)
    {
        // A diverging run must see NaN, not a ReLU that turned NaN into 0.
        var kernel = KernelFactory.Create(path);
        var samples = kernel.SampleBlock;
        var channels = kernel.ChannelBlock;
        var width = 2 * kernel.WidthBlock;
        var inputs = Enumerable.Repeat(1f, samples * channels).ToArray();
        var inputWeights = Enumerable.Repeat(0.5f, channels * width).ToArray();
        inputWeights[width - 1] = float.NaN;
        var outputWeights = Enumerable.Repeat(1f, width).ToArray();
        var activations = new float[samples * width];
        var outputs = new float[samples];
        kernel.Forward(inputs, inputWeights, outputWeights, samples, channels, width, 1f, activations, outputs);

        for (var i = 0; i < samples; i++)
        {
            Assert.True(float.IsNaN(activations[i * width + width - 1]), $"activation [{i}, {width - 1}] = {activations[i * width + width - 1]}");
            Assert.Equal(0.5f * channels, activations[i * width]);
            Assert.True(float.IsNaN(outputs[i]));
        }
    }

    [Fact]
    public void Factory_lists_every_path_and_accelerates_its_best()
    {
        Assert.Equal(Enum.GetValues<KernelPath>().Order(), KernelFactory.Paths.Order());
        Assert.Equal(KernelPath.Reference, KernelFactory.Paths[0]);
        Assert.DoesNotContain(KernelPath.Reference, KernelFactory.OptimizedPaths);
        Assert.Contains(KernelFactory.Best, KernelFactory.Accelerated);
        Assert.Contains(KernelPath.Scalar, KernelFactory.Accelerated);
        Assert.All(KernelFactory.Paths, path => Assert.Equal(path, KernelFactory.Create(path).Path));
    }

    [Fact]
    public void Every_path_name_parses_back_to_its_path()
    {
        foreach (var path in KernelFactory.Paths)
        {
            Assert.True(KernelFactory.TryParse(KernelFactory.ToName(path), out var parsed));
            Assert.Equal(path, parsed);
        }

        Assert.False(KernelFactory.TryParse("vector1024", out _));
    }

    private static void AssertWithin(float expected, float actual, double tolerance, string what)
    {
        // A tiny absolute floor covers entries whose terms are all exact zeros.
        var allowed = tolerance + 1e-30;
        Assert.True(
            Math.Abs((double)expected - actual) <= allowed,
            FormattableString.Invariant($"{what}: reference {expected:R} vs optimized {actual:R}, allowed {allowed:g3}"));
    }

    private static float[] ToFloat(double[] values) => values.Select(value => (float)value).ToArray();

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static float[] Pad(float[] matrix, int rows, int columns, int paddedRows, int paddedColumns)
    {
        var padded = new float[paddedRows * paddedColumns];
        for (var r = 0; r < rows; r++)
        {
            matrix.AsSpan(r * columns, columns).CopyTo(padded.AsSpan(r * paddedColumns));
        }

        return padded;
    }
}
