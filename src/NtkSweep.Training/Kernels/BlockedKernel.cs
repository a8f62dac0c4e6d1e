using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NtkSweep.Training.Kernels;

/// <summary>
/// Register-blocked forward and backward passes. The forward pass computes a tile of 6 samples × 2 vectors of
/// neurons in 12 accumulators with the ReLU, the activation store (or the ReLU pattern's bits) and the output
/// product fused into its epilogue. The backward pass works one tile of 2 vectors of neurons at a time: it expands
/// the tile's ReLU pattern into a contiguous panel of g∘mask, then computes ∂W = Xᵀ·panel in register blocks of
/// 8, 6, 5 or 4 channels × 2 vectors, scaled by a/α with the weight decay added in the epilogue, where the same sums
/// also give ∂a = Σ_j W[j, k]·(Xᵀ·panel)[j, k] (ReLU homogeneity), so it never reads an activation.
/// Channels are padded to a multiple of 4. Generic over <typeparamref name="TLane"/>, so the same source runs on
/// Vector512, Vector256 and scalars.
/// </summary>
internal sealed class BlockedKernel<TLane, TVector> : ITwoLayerKernel
    where TLane : struct, ILane<TVector>
    where TVector : struct
{
    private const int Rows = 6;

    // The input weights repacked tile by tile ([width / tile][channels][tile]) so that the forward pass reads each
    // tile's weights contiguously: rows of W at a multiple of 4 KiB apart alias in L1 and halve the forward's speed.
    // Owned by this instance (a kernel serves one training session); grown on first use, outside the step loop.
    private float[] packedWeights = [];

    // [1/α, λ] for the backward pass's epilogues, which read them from memory (see EpilogueFactors).
    private readonly float[] backwardConstants = new float[2];

    public BlockedKernel(KernelPath path)
    {
        Path = path;
    }

    public KernelPath Path { get; }

    public int SampleBlock => Rows;

    public int WidthBlock => 2 * TLane.Count;

    public int ChannelBlock => 4;

    public int BackwardScratchLength(int sampleCount, int channels, int width) => sampleCount * 2 * TLane.Count;

    public void Forward(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        Span<float> activations, // [sampleCount, width]
        Span<float> outputs) // [sampleCount]
    {
        CheckShapes(inputs, inputWeights, outputWeights, outputs, sampleCount, channels, width);
        if (activations.Length < sampleCount * width)
        {
            throw new ArgumentException("Buffers are smaller than the shapes require.");
        }

        ForwardTiles(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, storeActivations: true, ref MemoryMarshal.GetReference(activations), ref Unsafe.NullRef<uint>(), outputs);
    }

    public void ForwardPattern(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        Span<uint> activePattern, // [width / tile, sampleCount]
        Span<float> outputs) // [sampleCount]
    {
        CheckShapes(inputs, inputWeights, outputWeights, outputs, sampleCount, channels, width);
        if (activePattern.Length < width / WidthBlock * sampleCount)
        {
            throw new ArgumentException("The ReLU pattern is smaller than the shapes require.");
        }

        ForwardTiles(inputs, inputWeights, outputWeights, sampleCount, channels, width, inverseAlpha, storeActivations: false, ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(activePattern), outputs);
    }

    /// <summary>Both forward passes; one epilogue stores the activations, the other the ReLU pattern's bits.</summary>
    private void ForwardTiles(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        bool storeActivations,
        ref float act, // [sampleCount, width] when storeActivations
        ref uint pattern, // [width / tile, sampleCount] otherwise
        Span<float> outputs) // [sampleCount]
    {
        var lanes = TLane.Count;
        var tile = 2 * lanes;
        if (packedWeights.Length < channels * width)
        {
            packedWeights = new float[channels * width];
        }

        for (var k = 0; k < width; k += tile)
        {
            for (var j = 0; j < channels; j++)
            {
                inputWeights.Slice(j * width + k, tile).CopyTo(packedWeights.AsSpan(k * channels + j * tile, tile));
            }
        }

        ref var x = ref MemoryMarshal.GetReference(inputs);
        ref var w = ref MemoryMarshal.GetArrayDataReference(packedWeights);
        ref var a = ref MemoryMarshal.GetReference(outputWeights);
        nint stride = width;

        for (nint i = 0; i < sampleCount; i += Rows)
        {
            var f0 = TLane.Zero;
            var f1 = TLane.Zero;
            var f2 = TLane.Zero;
            var f3 = TLane.Zero;
            var f4 = TLane.Zero;
            var f5 = TLane.Zero;
            ref var x0 = ref Unsafe.Add(ref x, i * channels);
            ref var x1 = ref Unsafe.Add(ref x0, channels);
            ref var x2 = ref Unsafe.Add(ref x1, channels);
            ref var x3 = ref Unsafe.Add(ref x2, channels);
            ref var x4 = ref Unsafe.Add(ref x3, channels);
            ref var x5 = ref Unsafe.Add(ref x4, channels);
            for (nint k = 0; k < width; k += 2 * lanes)
            {
                var c00 = TLane.Zero;
                var c01 = TLane.Zero;
                var c10 = TLane.Zero;
                var c11 = TLane.Zero;
                var c20 = TLane.Zero;
                var c21 = TLane.Zero;
                var c30 = TLane.Zero;
                var c31 = TLane.Zero;
                var c40 = TLane.Zero;
                var c41 = TLane.Zero;
                var c50 = TLane.Zero;
                var c51 = TLane.Zero;
                ref var wPanel = ref Unsafe.Add(ref w, k * channels);
                for (nint j = 0; j < channels; j++)
                {
                    var w0 = TLane.Load(ref wPanel, j * tile);
                    var w1 = TLane.Load(ref wPanel, j * tile + lanes);
                    var b = TLane.Broadcast(Unsafe.Add(ref x0, j));
                    c00 = TLane.MultiplyAdd(b, w0, c00);
                    c01 = TLane.MultiplyAdd(b, w1, c01);
                    b = TLane.Broadcast(Unsafe.Add(ref x1, j));
                    c10 = TLane.MultiplyAdd(b, w0, c10);
                    c11 = TLane.MultiplyAdd(b, w1, c11);
                    b = TLane.Broadcast(Unsafe.Add(ref x2, j));
                    c20 = TLane.MultiplyAdd(b, w0, c20);
                    c21 = TLane.MultiplyAdd(b, w1, c21);
                    b = TLane.Broadcast(Unsafe.Add(ref x3, j));
                    c30 = TLane.MultiplyAdd(b, w0, c30);
                    c31 = TLane.MultiplyAdd(b, w1, c31);
                    b = TLane.Broadcast(Unsafe.Add(ref x4, j));
                    c40 = TLane.MultiplyAdd(b, w0, c40);
                    c41 = TLane.MultiplyAdd(b, w1, c41);
                    b = TLane.Broadcast(Unsafe.Add(ref x5, j));
                    c50 = TLane.MultiplyAdd(b, w0, c50);
                    c51 = TLane.MultiplyAdd(b, w1, c51);
                }

                var a0 = TLane.Load(ref a, k);
                var a1 = TLane.Load(ref a, k + lanes);
                if (storeActivations)
                {
                    ref var out0 = ref Unsafe.Add(ref act, i * stride + k);
                    f0 = Epilogue(c00, c01, a0, a1, ref out0, 0, lanes, f0);
                    f1 = Epilogue(c10, c11, a0, a1, ref out0, stride, lanes, f1);
                    f2 = Epilogue(c20, c21, a0, a1, ref out0, 2 * stride, lanes, f2);
                    f3 = Epilogue(c30, c31, a0, a1, ref out0, 3 * stride, lanes, f3);
                    f4 = Epilogue(c40, c41, a0, a1, ref out0, 4 * stride, lanes, f4);
                    f5 = Epilogue(c50, c51, a0, a1, ref out0, 5 * stride, lanes, f5);
                }
                else
                {
                    ref var bits = ref Unsafe.Add(ref pattern, k / tile * sampleCount + i);
                    f0 = PatternEpilogue(c00, c01, a0, a1, ref bits, 0, lanes, f0);
                    f1 = PatternEpilogue(c10, c11, a0, a1, ref bits, 1, lanes, f1);
                    f2 = PatternEpilogue(c20, c21, a0, a1, ref bits, 2, lanes, f2);
                    f3 = PatternEpilogue(c30, c31, a0, a1, ref bits, 3, lanes, f3);
                    f4 = PatternEpilogue(c40, c41, a0, a1, ref bits, 4, lanes, f4);
                    f5 = PatternEpilogue(c50, c51, a0, a1, ref bits, 5, lanes, f5);
                }
            }

            outputs[(int)i] = TLane.Sum(f0) * inverseAlpha;
            outputs[(int)i + 1] = TLane.Sum(f1) * inverseAlpha;
            outputs[(int)i + 2] = TLane.Sum(f2) * inverseAlpha;
            outputs[(int)i + 3] = TLane.Sum(f3) * inverseAlpha;
            outputs[(int)i + 4] = TLane.Sum(f4) * inverseAlpha;
            outputs[(int)i + 5] = TLane.Sum(f5) * inverseAlpha;
        }
    }

    public void Backward(
        ReadOnlySpan<float> inputs, // [sampleCount, channels]
        ReadOnlySpan<float> inputWeights, // [channels, width]
        ReadOnlySpan<float> outputWeights, // [width]
        ReadOnlySpan<uint> activePattern, // [width / tile, sampleCount]
        ReadOnlySpan<float> outputGradient, // [sampleCount]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        float weightDecay,
        Span<float> scratch, // [sampleCount, tile]: the masked-gradient panel of one neuron tile
        Span<float> inputWeightGradient, // [channels, width]
        Span<float> outputWeightGradient) // [width]
    {
        CheckShapes(inputs, inputWeights, outputWeights, outputGradient, sampleCount, channels, width);
        if (channels % ChannelBlock != 0)
        {
            throw new ArgumentException($"The {Path} kernel needs channels padded to {ChannelBlock} (got {channels}).");
        }

        if (activePattern.Length < width / WidthBlock * sampleCount || scratch.Length < BackwardScratchLength(sampleCount, channels, width)
            || inputWeightGradient.Length < channels * width || outputWeightGradient.Length < width)
        {
            throw new ArgumentException("Pattern, gradient or scratch buffers are smaller than the shapes require.");
        }

        ref var x = ref MemoryMarshal.GetReference(inputs);
        ref var g = ref MemoryMarshal.GetReference(outputGradient);
        ref var w = ref MemoryMarshal.GetReference(inputWeights);
        ref var a = ref MemoryMarshal.GetReference(outputWeights);
        ref var pattern = ref MemoryMarshal.GetReference(activePattern);
        ref var panel = ref MemoryMarshal.GetReference(scratch);
        ref var gw = ref MemoryMarshal.GetReference(inputWeightGradient);
        ref var ga = ref MemoryMarshal.GetReference(outputWeightGradient);
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        nint stride = width;
        backwardConstants[0] = inverseAlpha;
        backwardConstants[1] = weightDecay;
        ref var constants = ref MemoryMarshal.GetArrayDataReference(backwardConstants);
        // Eight channels per pass fill 16 of AVX-512's 32 registers. Narrower lanes have 16 registers: blocks of six
        // and five channels (12 or 10 accumulators: more FMAs in flight than the 8 that two 4-cycle FMA pipes need;
        // a four-channel block has exactly 8 and runs a fifth slower), fours only where no such split exists.
        var (wideBlocks, sixBlocks, fiveBlocks) = lanes >= 16 ? (channels - channels % 8, 0, 0) : NarrowBlocks(channels);

        for (nint k = 0; k < width; k += tile)
        {
            // The tile's panel P[i] = g_i where its ReLU is on, contiguous so that the channel passes stream it.
            ref var bits = ref Unsafe.Add(ref pattern, k / tile * sampleCount);
            for (nint i = 0; i < sampleCount; i++)
            {
                var b = TLane.Broadcast(Unsafe.Add(ref g, i));
                var word = Unsafe.Add(ref bits, i);
                TLane.Store(TLane.SelectBits(word, 0, b), ref panel, i * tile);
                TLane.Store(TLane.SelectBits(word, 1, b), ref panel, i * tile + lanes);
            }

            ChannelPasses(ref x, ref panel, ref a, ref w, ref gw, ref ga, ref constants, sampleCount, channels, stride, k, wideBlocks, sixBlocks, fiveBlocks);
        }
    }

    /// <summary>
    /// Channels covered by six- and by five-channel blocks: the most sixes whose remainder fives fill exactly (32 =
    /// 2·6 + 4·5), else the earlier split into an even number of sixes and then fours (8 = 4 + 4).
    /// </summary>
    private static (int Wide, int Six, int Five) NarrowBlocks(int channels)
    {
        for (var sixes = channels / 6; sixes >= 0; sixes--)
        {
            if ((channels - 6 * sixes) % 5 == 0)
            {
                return (0, 6 * sixes, channels - 6 * sixes);
            }
        }

        return (0, channels / 12 * 12, 0);
    }

    /// <summary>
    /// ∂W of one tile from its panel, in blocks of 8, 6, 5 or 4 channels, and its ∂a: Σ_j W[j, k]·c[j, k] accumulated
    /// in the ∂a buffer block by block, then scaled by 1/α with λa added.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ChannelPasses(ref float x, ref float panel, ref float a, ref float w, ref float gw, ref float ga, ref float constants, int sampleCount, int channels, nint stride, nint k, int wideBlocks, int sixBlocks, int fiveBlocks)
    {
        var lanes = TLane.Count;
        TLane.Store(TLane.Zero, ref ga, k);
        TLane.Store(TLane.Zero, ref ga, k + lanes);
        nint j = 0;
        for (; j < wideBlocks; j += 8)
        {
            EightChannels(ref x, ref panel, ref w, ref gw, ref ga, ref a, ref constants, sampleCount, channels, stride, j, k);
        }

        for (; j < sixBlocks; j += 6)
        {
            SixChannels(ref x, ref panel, ref w, ref gw, ref ga, ref a, ref constants, sampleCount, channels, stride, j, k);
        }

        for (; j < sixBlocks + fiveBlocks; j += 5)
        {
            FiveChannels(ref x, ref panel, ref w, ref gw, ref ga, ref a, ref constants, sampleCount, channels, stride, j, k);
        }

        for (; j < channels; j += 4)
        {
            FourChannels(ref x, ref panel, ref w, ref gw, ref ga, ref a, ref constants, sampleCount, channels, stride, j, k);
        }

        var scale = TLane.Broadcast(constants);
        var decay = TLane.Broadcast(Unsafe.Add(ref constants, 1));
        TLane.Store(TLane.MultiplyAdd(TLane.Load(ref ga, k), scale, TLane.Multiply(decay, TLane.Load(ref a, k))), ref ga, k);
        TLane.Store(TLane.MultiplyAdd(TLane.Load(ref ga, k + lanes), scale, TLane.Multiply(decay, TLane.Load(ref a, k + lanes))), ref ga, k + lanes);
    }

    /// <summary>
    /// a/α of the tile's two vectors and λ, read from memory in a block's epilogue: with 16 registers a block's 12
    /// accumulators and 3 operands leave none for values kept alive across its loop, which would spill accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector TileScale0, TVector TileScale1, TVector Decay) EpilogueFactors(ref float a, ref float constants, nint k)
    {
        var scale = TLane.Broadcast(constants);
        return (TLane.Multiply(scale, TLane.Load(ref a, k)), TLane.Multiply(scale, TLane.Load(ref a, k + TLane.Count)), TLane.Broadcast(Unsafe.Add(ref constants, 1)));
    }

    /// <summary>∂W for channels j..j+7 of one neuron tile: Σ_i x[i, j+r]·P[i], scaled by a/α, plus λW.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightChannels(ref float x, ref float panel, ref float w, ref float gw, ref float ga, ref float a, ref float constants, int sampleCount, int channels, nint stride, nint j, nint k)
    {
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        var c00 = TLane.Zero;
        var c01 = TLane.Zero;
        var c10 = TLane.Zero;
        var c11 = TLane.Zero;
        var c20 = TLane.Zero;
        var c21 = TLane.Zero;
        var c30 = TLane.Zero;
        var c31 = TLane.Zero;
        var c40 = TLane.Zero;
        var c41 = TLane.Zero;
        var c50 = TLane.Zero;
        var c51 = TLane.Zero;
        var c60 = TLane.Zero;
        var c61 = TLane.Zero;
        var c70 = TLane.Zero;
        var c71 = TLane.Zero;
        // Running references rather than i·stride products: fewer instructions between the FMAs.
        ref var xRow = ref Unsafe.Add(ref x, j);
        ref var panelRow = ref panel;
        nint rowStride = channels;
        for (var i = 0; i < sampleCount; i++)
        {
            var p0 = TLane.Load(ref panelRow, 0);
            var p1 = TLane.Load(ref panelRow, lanes);
            var b = TLane.Broadcast(xRow);
            c00 = TLane.MultiplyAdd(b, p0, c00);
            c01 = TLane.MultiplyAdd(b, p1, c01);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 1));
            c10 = TLane.MultiplyAdd(b, p0, c10);
            c11 = TLane.MultiplyAdd(b, p1, c11);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 2));
            c20 = TLane.MultiplyAdd(b, p0, c20);
            c21 = TLane.MultiplyAdd(b, p1, c21);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 3));
            c30 = TLane.MultiplyAdd(b, p0, c30);
            c31 = TLane.MultiplyAdd(b, p1, c31);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 4));
            c40 = TLane.MultiplyAdd(b, p0, c40);
            c41 = TLane.MultiplyAdd(b, p1, c41);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 5));
            c50 = TLane.MultiplyAdd(b, p0, c50);
            c51 = TLane.MultiplyAdd(b, p1, c51);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 6));
            c60 = TLane.MultiplyAdd(b, p0, c60);
            c61 = TLane.MultiplyAdd(b, p1, c61);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 7));
            c70 = TLane.MultiplyAdd(b, p0, c70);
            c71 = TLane.MultiplyAdd(b, p1, c71);
            xRow = ref Unsafe.Add(ref xRow, rowStride);
            panelRow = ref Unsafe.Add(ref panelRow, tile);
        }

        // ∂a by homogeneity, Σ_j W[j, k]·c[j, k], continued from the blocks before this one (j ascending).
        var (tileScale0, tileScale1, decay) = EpilogueFactors(ref a, ref constants, k);
        var sum0 = TLane.Load(ref ga, k);
        var sum1 = TLane.Load(ref ga, k + lanes);
        ref var gwTile = ref Unsafe.Add(ref gw, j * stride + k);
        ref var wTile = ref Unsafe.Add(ref w, j * stride + k);
        StoreGradient(c00, c01, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 0, lanes, ref sum0, ref sum1);
        StoreGradient(c10, c11, tileScale0, tileScale1, decay, ref wTile, ref gwTile, stride, lanes, ref sum0, ref sum1);
        StoreGradient(c20, c21, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 2 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c30, c31, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 3 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c40, c41, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 4 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c50, c51, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 5 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c60, c61, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 6 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c70, c71, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 7 * stride, lanes, ref sum0, ref sum1);
        TLane.Store(sum0, ref ga, k);
        TLane.Store(sum1, ref ga, k + lanes);
    }

    /// <summary>∂W for channels j..j+5 of one neuron tile, for lanes with 16 registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SixChannels(ref float x, ref float panel, ref float w, ref float gw, ref float ga, ref float a, ref float constants, int sampleCount, int channels, nint stride, nint j, nint k)
    {
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        var c00 = TLane.Zero;
        var c01 = TLane.Zero;
        var c10 = TLane.Zero;
        var c11 = TLane.Zero;
        var c20 = TLane.Zero;
        var c21 = TLane.Zero;
        var c30 = TLane.Zero;
        var c31 = TLane.Zero;
        var c40 = TLane.Zero;
        var c41 = TLane.Zero;
        var c50 = TLane.Zero;
        var c51 = TLane.Zero;
        // Running references rather than i·stride products: fewer instructions between the FMAs.
        ref var xRow = ref Unsafe.Add(ref x, j);
        ref var panelRow = ref panel;
        nint rowStride = channels;
        for (var i = 0; i < sampleCount; i++)
        {
            var p0 = TLane.Load(ref panelRow, 0);
            var p1 = TLane.Load(ref panelRow, lanes);
            var b = TLane.Broadcast(xRow);
            c00 = TLane.MultiplyAdd(b, p0, c00);
            c01 = TLane.MultiplyAdd(b, p1, c01);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 1));
            c10 = TLane.MultiplyAdd(b, p0, c10);
            c11 = TLane.MultiplyAdd(b, p1, c11);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 2));
            c20 = TLane.MultiplyAdd(b, p0, c20);
            c21 = TLane.MultiplyAdd(b, p1, c21);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 3));
            c30 = TLane.MultiplyAdd(b, p0, c30);
            c31 = TLane.MultiplyAdd(b, p1, c31);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 4));
            c40 = TLane.MultiplyAdd(b, p0, c40);
            c41 = TLane.MultiplyAdd(b, p1, c41);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 5));
            c50 = TLane.MultiplyAdd(b, p0, c50);
            c51 = TLane.MultiplyAdd(b, p1, c51);
            xRow = ref Unsafe.Add(ref xRow, rowStride);
            panelRow = ref Unsafe.Add(ref panelRow, tile);
        }

        // ∂a by homogeneity, Σ_j W[j, k]·c[j, k], continued from the blocks before this one (j ascending).
        var (tileScale0, tileScale1, decay) = EpilogueFactors(ref a, ref constants, k);
        var sum0 = TLane.Load(ref ga, k);
        var sum1 = TLane.Load(ref ga, k + lanes);
        ref var gwTile = ref Unsafe.Add(ref gw, j * stride + k);
        ref var wTile = ref Unsafe.Add(ref w, j * stride + k);
        StoreGradient(c00, c01, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 0, lanes, ref sum0, ref sum1);
        StoreGradient(c10, c11, tileScale0, tileScale1, decay, ref wTile, ref gwTile, stride, lanes, ref sum0, ref sum1);
        StoreGradient(c20, c21, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 2 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c30, c31, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 3 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c40, c41, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 4 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c50, c51, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 5 * stride, lanes, ref sum0, ref sum1);
        TLane.Store(sum0, ref ga, k);
        TLane.Store(sum1, ref ga, k + lanes);
    }

    /// <summary>∂W for channels j..j+4 of one neuron tile, for lanes with 16 registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FiveChannels(ref float x, ref float panel, ref float w, ref float gw, ref float ga, ref float a, ref float constants, int sampleCount, int channels, nint stride, nint j, nint k)
    {
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        var c00 = TLane.Zero;
        var c01 = TLane.Zero;
        var c10 = TLane.Zero;
        var c11 = TLane.Zero;
        var c20 = TLane.Zero;
        var c21 = TLane.Zero;
        var c30 = TLane.Zero;
        var c31 = TLane.Zero;
        var c40 = TLane.Zero;
        var c41 = TLane.Zero;
        // Running references rather than i·stride products: fewer instructions between the FMAs.
        ref var xRow = ref Unsafe.Add(ref x, j);
        ref var panelRow = ref panel;
        nint rowStride = channels;
        for (var i = 0; i < sampleCount; i++)
        {
            var p0 = TLane.Load(ref panelRow, 0);
            var p1 = TLane.Load(ref panelRow, lanes);
            var b = TLane.Broadcast(xRow);
            c00 = TLane.MultiplyAdd(b, p0, c00);
            c01 = TLane.MultiplyAdd(b, p1, c01);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 1));
            c10 = TLane.MultiplyAdd(b, p0, c10);
            c11 = TLane.MultiplyAdd(b, p1, c11);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 2));
            c20 = TLane.MultiplyAdd(b, p0, c20);
            c21 = TLane.MultiplyAdd(b, p1, c21);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 3));
            c30 = TLane.MultiplyAdd(b, p0, c30);
            c31 = TLane.MultiplyAdd(b, p1, c31);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 4));
            c40 = TLane.MultiplyAdd(b, p0, c40);
            c41 = TLane.MultiplyAdd(b, p1, c41);
            xRow = ref Unsafe.Add(ref xRow, rowStride);
            panelRow = ref Unsafe.Add(ref panelRow, tile);
        }

        // ∂a by homogeneity, Σ_j W[j, k]·c[j, k], continued from the blocks before this one (j ascending).
        var (tileScale0, tileScale1, decay) = EpilogueFactors(ref a, ref constants, k);
        var sum0 = TLane.Load(ref ga, k);
        var sum1 = TLane.Load(ref ga, k + lanes);
        ref var gwTile = ref Unsafe.Add(ref gw, j * stride + k);
        ref var wTile = ref Unsafe.Add(ref w, j * stride + k);
        StoreGradient(c00, c01, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 0, lanes, ref sum0, ref sum1);
        StoreGradient(c10, c11, tileScale0, tileScale1, decay, ref wTile, ref gwTile, stride, lanes, ref sum0, ref sum1);
        StoreGradient(c20, c21, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 2 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c30, c31, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 3 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c40, c41, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 4 * stride, lanes, ref sum0, ref sum1);
        TLane.Store(sum0, ref ga, k);
        TLane.Store(sum1, ref ga, k + lanes);
    }

    /// <summary>∂W for channels j..j+3 of one neuron tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourChannels(ref float x, ref float panel, ref float w, ref float gw, ref float ga, ref float a, ref float constants, int sampleCount, int channels, nint stride, nint j, nint k)
    {
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        var c00 = TLane.Zero;
        var c01 = TLane.Zero;
        var c10 = TLane.Zero;
        var c11 = TLane.Zero;
        var c20 = TLane.Zero;
        var c21 = TLane.Zero;
        var c30 = TLane.Zero;
        var c31 = TLane.Zero;
        // Running references rather than i·stride products: fewer instructions between the FMAs.
        ref var xRow = ref Unsafe.Add(ref x, j);
        ref var panelRow = ref panel;
        nint rowStride = channels;
        for (var i = 0; i < sampleCount; i++)
        {
            var p0 = TLane.Load(ref panelRow, 0);
            var p1 = TLane.Load(ref panelRow, lanes);
            var b = TLane.Broadcast(xRow);
            c00 = TLane.MultiplyAdd(b, p0, c00);
            c01 = TLane.MultiplyAdd(b, p1, c01);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 1));
            c10 = TLane.MultiplyAdd(b, p0, c10);
            c11 = TLane.MultiplyAdd(b, p1, c11);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 2));
            c20 = TLane.MultiplyAdd(b, p0, c20);
            c21 = TLane.MultiplyAdd(b, p1, c21);
            b = TLane.Broadcast(Unsafe.Add(ref xRow, 3));
            c30 = TLane.MultiplyAdd(b, p0, c30);
            c31 = TLane.MultiplyAdd(b, p1, c31);
            xRow = ref Unsafe.Add(ref xRow, rowStride);
            panelRow = ref Unsafe.Add(ref panelRow, tile);
        }

        // ∂a by homogeneity, Σ_j W[j, k]·c[j, k], continued from the blocks before this one (j ascending).
        var (tileScale0, tileScale1, decay) = EpilogueFactors(ref a, ref constants, k);
        var sum0 = TLane.Load(ref ga, k);
        var sum1 = TLane.Load(ref ga, k + lanes);
        ref var gwTile = ref Unsafe.Add(ref gw, j * stride + k);
        ref var wTile = ref Unsafe.Add(ref w, j * stride + k);
        StoreGradient(c00, c01, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 0, lanes, ref sum0, ref sum1);
        StoreGradient(c10, c11, tileScale0, tileScale1, decay, ref wTile, ref gwTile, stride, lanes, ref sum0, ref sum1);
        StoreGradient(c20, c21, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 2 * stride, lanes, ref sum0, ref sum1);
        StoreGradient(c30, c31, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 3 * stride, lanes, ref sum0, ref sum1);
        TLane.Store(sum0, ref ga, k);
        TLane.Store(sum1, ref ga, k + lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Epilogue(TVector c0, TVector c1, TVector a0, TVector a1, ref float activationRow, nint offset, int lanes, TVector output)
    {
        var s0 = TLane.Relu(c0);
        var s1 = TLane.Relu(c1);
        TLane.Store(s0, ref activationRow, offset);
        TLane.Store(s1, ref activationRow, offset + lanes);
        return TLane.MultiplyAdd(s1, a1, TLane.MultiplyAdd(s0, a0, output));
    }

    /// <summary>The epilogue of <see cref="ForwardPattern"/>: the same output sum, and the tile's ReLU bits of one sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector PatternEpilogue(TVector c0, TVector c1, TVector a0, TVector a1, ref uint bits, nint row, int lanes, TVector output)
    {
        Unsafe.Add(ref bits, row) = TLane.PositiveBits(c0) | (TLane.PositiveBits(c1) << lanes);
        return TLane.MultiplyAdd(TLane.Relu(c1), a1, TLane.MultiplyAdd(TLane.Relu(c0), a0, output));
    }

    /// <summary>One row of a ∂W block's epilogue: ∂W = c·a/α + λW, and ∂a's sums += W·c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGradient(TVector c0, TVector c1, TVector s0, TVector s1, TVector decay, ref float weights, ref float gradient, nint offset, int lanes, ref TVector sum0, ref TVector sum1)
    {
        var w0 = TLane.Load(ref weights, offset);
        var w1 = TLane.Load(ref weights, offset + lanes);
        TLane.Store(TLane.MultiplyAdd(c0, s0, TLane.Multiply(decay, w0)), ref gradient, offset);
        TLane.Store(TLane.MultiplyAdd(c1, s1, TLane.Multiply(decay, w1)), ref gradient, offset + lanes);
        sum0 = TLane.MultiplyAdd(c0, w0, sum0);
        sum1 = TLane.MultiplyAdd(c1, w1, sum1);
    }

    private void CheckShapes(ReadOnlySpan<float> inputs, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> outputWeights, ReadOnlySpan<float> perSample, int sampleCount, int channels, int width)
    {
        if (sampleCount % SampleBlock != 0 || width % WidthBlock != 0)
        {
            throw new ArgumentException($"The {Path} kernel needs sampleCount padded to {SampleBlock} and width to {WidthBlock} (got {sampleCount}, {width}).");
        }

        if (inputs.Length < sampleCount * channels || inputWeights.Length < channels * width || outputWeights.Length < width || perSample.Length < sampleCount)
        {
            throw new ArgumentException("Buffers are smaller than the shapes require.");
        }
    }
}
