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
    int BackwardScratchLength(int sampleCount, int channels);

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
    /// Gradients of Σ_i outputGradient_i·f(x_i) + (λ/2)(‖a‖² + ‖W‖²), from the activations of the last forward pass:
    /// outputWeightGradient = inverseAlpha·activationsᵀ·g + λa;
    /// inputWeightGradient[j, k] = inverseAlpha·a_k·Σ_i inputs[i, j]·g_i·1[activations[i, k] &gt; 0] + λW[j, k].
    /// </summary>
    void Backward(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        ReadOnlySpan<float> activations, // [sampleCount, width]
        ReadOnlySpan<float> outputGradient, // [sampleCount]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        float weightDecay,
        Span<float> scratch, // [BackwardScratchLength(sampleCount, channels)]
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
