using System.Numerics;

namespace NtkSweep.Training.Kernels;

/// <summary>
/// The readable reference: plain loops in the order the math is written, generic over the number type so that
/// tests can run it in float64 against finite differences. It is the correctness oracle of every optimized path.
/// </summary>
public static class ReferenceKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(
        ReadOnlySpan<T> inputs, // [sampleCount, channels]
        ReadOnlySpan<T> inputWeights, // [channels, width]
        ReadOnlySpan<T> outputWeights, // [width]
        int sampleCount,
        int channels,
        int width,
        T inverseAlpha,
        Span<T> activations, // [sampleCount, width]
        Span<T> outputs) // [sampleCount]
    {
        for (var i = 0; i < sampleCount; i++)
        {
            var output = T.Zero;
            for (var k = 0; k < width; k++)
            {
                var preActivation = T.Zero;
                for (var j = 0; j < channels; j++)
                {
                    preActivation += inputs[i * channels + j] * inputWeights[j * width + k];
                }

                var activation = T.Max(preActivation, T.Zero);
                activations[i * width + k] = activation;
                output += outputWeights[k] * activation;
            }

            outputs[i] = output * inverseAlpha;
        }
    }

    public static void Backward(
        ReadOnlySpan<T> inputs, // [sampleCount, channels]
        ReadOnlySpan<T> inputWeights, // [channels, width]
        ReadOnlySpan<T> outputWeights, // [width]
        ReadOnlySpan<T> activations, // [sampleCount, width]
        ReadOnlySpan<T> outputGradient, // [sampleCount]
        int sampleCount,
        int channels,
        int width,
        T inverseAlpha,
        T weightDecay,
        Span<T> inputWeightGradient, // [channels, width]
        Span<T> outputWeightGradient) // [width]
    {
        for (var k = 0; k < width; k++)
        {
            var outputSum = T.Zero;
            for (var i = 0; i < sampleCount; i++)
            {
                outputSum += outputGradient[i] * activations[i * width + k];
            }

            outputWeightGradient[k] = inverseAlpha * outputSum + weightDecay * outputWeights[k];

            for (var j = 0; j < channels; j++)
            {
                var inputSum = T.Zero;
                for (var i = 0; i < sampleCount; i++)
                {
                    if (activations[i * width + k] > T.Zero)
                    {
                        inputSum += outputGradient[i] * inputs[i * channels + j];
                    }
                }

                inputWeightGradient[j * width + k] = inverseAlpha * outputWeights[k] * inputSum + weightDecay * inputWeights[j * width + k];
            }
        }
    }
}

/// <summary>
/// The reference kernel in float32, as a selectable path of the trainer. Its neuron block is 1, so its ReLU pattern
/// holds one bit per word; its backward pass recomputes the activations that pattern summarizes and then runs
/// <see cref="ReferenceKernel{T}.Backward"/>, the gradient as the math writes it (∂a from the activations directly).
/// </summary>
public sealed class ReferenceTwoLayerKernel : ITwoLayerKernel
{
    // [sampleCount, width], for the pattern forward pass; grown on first use, outside any step loop.
    private float[] activations = [];

    public KernelPath Path => KernelPath.Reference;

    public int SampleBlock => 1;

    public int WidthBlock => 1;

    public int ChannelBlock => 1;

    public int BackwardScratchLength(int sampleCount, int channels, int width) => sampleCount * width + sampleCount;

    public void Forward(ReadOnlySpan<float> inputs, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> outputWeights, int sampleCount, int channels, int width, float inverseAlpha, Span<float> activations, Span<float> outputs) =>
        ReferenceKernel<float>.Forward(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, activations, outputs);

    public void ForwardPattern(ReadOnlySpan<float> inputs, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> outputWeights, int sampleCount, int channels, int width, float inverseAlpha, Span<uint> activePattern, Span<float> outputs)
    {
        if (activations.Length < sampleCount * width)
        {
            activations = new float[sampleCount * width];
        }

        ReferenceKernel<float>.Forward(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, activations, outputs);
        for (var k = 0; k < width; k++)
        {
            for (var i = 0; i < sampleCount; i++)
            {
                activePattern[k * sampleCount + i] = activations[i * width + k] > 0 ? 1u : 0u;
            }
        }
    }

    public void Backward(ReadOnlySpan<float> inputs, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> outputWeights, ReadOnlySpan<uint> activePattern, ReadOnlySpan<float> outputGradient, int sampleCount, int channels, int width, float inverseAlpha, float weightDecay, Span<float> scratch, Span<float> inputWeightGradient, Span<float> outputWeightGradient)
    {
        var recomputed = scratch[..(sampleCount * width)];
        ReferenceKernel<float>.Forward(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, recomputed, scratch.Slice(sampleCount * width, sampleCount));
        ReferenceKernel<float>.Backward(inputs, inputWeights, outputWeights, recomputed, outputGradient, sampleCount, channels, width, inverseAlpha, weightDecay, inputWeightGradient, outputWeightGradient);
    }
}
