namespace NtkSweep.Training.Kernels;

/// <summary>
/// Forward and backward pass of f(x) = (1/α)·Σ_k a_k·σ(w_k·x̃) with weight decay, in float32.
/// Buffers are row-major. A kernel may require its dimensions padded to multiples of <see cref="SampleBlock"/>,
/// <see cref="WidthBlock"/> and <see cref="ChannelBlock"/>; padding rows and columns must hold zeros, which keeps
/// padded neurons at zero forever and leaves every sum unchanged.
/// </summary>
public interface ITwoLayerKernel
{
    KernelPath Path { get; }

    int SampleBlock { get; }

    int WidthBlock { get; }

    int ChannelBlock { get; }

    /// <summary>Length of the scratch buffer <see cref="Backward"/> needs for these (padded) shapes.</summary>
    int BackwardScratchLength(int sampleCount, int channels, int width);

    /// <summary>Length of the ReLU pattern of <see cref="ForwardPattern"/>: one uint per sample and neuron block.</summary>
    int PatternLength(int sampleCount, int width) => width / WidthBlock * sampleCount;

    /// <summary>activations = σ(inputs·inputWeights); outputs = activations·outputWeights·inverseAlpha.</summary>
    void Forward(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        Span<float> activations, // [sampleCount, width]
        Span<float> outputs); // [sampleCount]

    /// <summary>
    /// The forward pass of a training step: the same outputs as <see cref="Forward"/>, bit for bit, and of the
    /// activations only what the backward pass needs, which ReLUs are on. Bit b of
    /// activePattern[t·sampleCount + i] is set when neuron t·WidthBlock + b has a positive pre-activation on sample i
    /// (WidthBlock ≤ 32). At n = 1024 and m = 4096 that is 0.5 MB instead of 16 MB of activations written and read
    /// back every step.
    /// </summary>
    void ForwardPattern(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        Span<uint> activePattern, // [width / WidthBlock, sampleCount]
        Span<float> outputs); // [sampleCount]

    /// <summary>
    /// Gradients of Σ_i outputGradient_i·f(x_i) + (λ/2)(‖a‖² + ‖W‖²), from the ReLU pattern of the last
    /// <see cref="ForwardPattern"/>:
    /// inputWeightGradient[j, k] = inverseAlpha·a_k·Σ_i inputs[i, j]·g_i·1[pre-activation(i, k) &gt; 0] + λW[j, k];
    /// outputWeightGradient = inverseAlpha·Σ_i g_i·σ(w_k·x_i) + λa, which for the ReLU, σ(h) = h·1[h &gt; 0], is
    /// inverseAlpha·Σ_j W[j, k]·(Σ_i inputs[i, j]·g_i·1[…]) + λa: the sums ∂W needs anyway, so no activation is read.
    /// </summary>
    void Backward(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        ReadOnlySpan<uint> activePattern, // [width / WidthBlock, sampleCount]
        ReadOnlySpan<float> outputGradient, // [sampleCount]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        float weightDecay,
        Span<float> scratch, // [BackwardScratchLength(sampleCount, channels, width)]
        Span<float> inputWeightGradient, // [channels, width]
        Span<float> outputWeightGradient); // [width]
}

/// <summary>Which implementation ran: the reference loops, or the blocked kernel on a given vector width.</summary>
public enum KernelPath
{
    Reference,
    Scalar,
    Vector256,
    Vector512,
}
