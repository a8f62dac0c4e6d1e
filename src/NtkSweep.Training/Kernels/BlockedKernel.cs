using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NtkSweep.Training.Kernels;

/// <summary>
/// Register-blocked forward and backward passes. The forward pass computes a tile of 6 samples × 2 vectors of
/// neurons in 12 accumulators with the ReLU, the activation store and the output product fused into its epilogue.
/// The backward pass works one tile of 2 vectors of neurons at a time: one sweep over the tile's activations gives
/// ∂a and a contiguous panel of g∘mask, then ∂W = Xᵀ·panel in register blocks of 8 (or 4) channels × 2 vectors,
/// scaled by a/α with the weight decay added in the epilogue. Channels are padded to a multiple of 4.
/// Generic over <typeparamref name="TLane"/>, so the same source runs on Vector512, Vector256 and scalars.
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

    public BlockedKernel(KernelPath path)
    {
        Path = path;
    }

    public KernelPath Path { get; }

    public int SampleBlock => Rows;

    public int WidthBlock => 2 * TLane.Count;

    public int ChannelBlock => 4;

    // Neuron tiles whose masked-gradient panels one sweep over the activations builds: rows of the activations are
    // m floats apart, and reading 4 tiles (8 vectors, 512 bytes at AVX-512) per row instead of one quarters the
    // strided row visits that cost the backward pass a third of its speed at m ≥ 1024.
    private const int TilesPerSweep = 4;

    public int BackwardScratchLength(int sampleCount, int channels) => sampleCount * TilesPerSweep * 2 * TLane.Count;

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
        CheckShapes(inputs, inputWeights, outputWeights, activations, outputs, sampleCount, channels, width);
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
        ref var act = ref MemoryMarshal.GetReference(activations);
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
                ref var out0 = ref Unsafe.Add(ref act, i * stride + k);
                f0 = Epilogue(c00, c01, a0, a1, ref out0, 0, lanes, f0);
                f1 = Epilogue(c10, c11, a0, a1, ref out0, stride, lanes, f1);
                f2 = Epilogue(c20, c21, a0, a1, ref out0, 2 * stride, lanes, f2);
                f3 = Epilogue(c30, c31, a0, a1, ref out0, 3 * stride, lanes, f3);
                f4 = Epilogue(c40, c41, a0, a1, ref out0, 4 * stride, lanes, f4);
                f5 = Epilogue(c50, c51, a0, a1, ref out0, 5 * stride, lanes, f5);
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
        ReadOnlySpan<float> activations, // [sampleCount, width]
        ReadOnlySpan<float> outputGradient, // [sampleCount]
        int sampleCount,
        int channels,
        int width,
        float inverseAlpha,
        float weightDecay,
        Span<float> scratch, // [sampleCount, 2·lanes]: the masked-gradient panel of one neuron tile
        Span<float> inputWeightGradient, // [channels, width]
        Span<float> outputWeightGradient) // [width]
    {
        CheckShapes(inputs, inputWeights, outputWeights, activations, outputGradient, sampleCount, channels, width);
        if (channels % ChannelBlock != 0)
        {
            throw new ArgumentException($"The {Path} kernel needs channels padded to {ChannelBlock} (got {channels}).");
        }

        if (scratch.Length < BackwardScratchLength(sampleCount, channels) || inputWeightGradient.Length < channels * width || outputWeightGradient.Length < width)
        {
            throw new ArgumentException("Gradient or scratch buffers are smaller than the shapes require.");
        }

        ref var x = ref MemoryMarshal.GetReference(inputs);
        ref var g = ref MemoryMarshal.GetReference(outputGradient);
        ref var w = ref MemoryMarshal.GetReference(inputWeights);
        ref var a = ref MemoryMarshal.GetReference(outputWeights);
        ref var act = ref MemoryMarshal.GetReference(activations);
        ref var panel = ref MemoryMarshal.GetReference(scratch);
        ref var gw = ref MemoryMarshal.GetReference(inputWeightGradient);
        ref var ga = ref MemoryMarshal.GetReference(outputWeightGradient);
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        nint stride = width;
        var decay = TLane.Broadcast(weightDecay);
        var scale = TLane.Broadcast(inverseAlpha);
        // Eight channels per pass fill 16 of AVX-512's 32 registers; narrower lanes (16 registers) take four.
        var wideBlocks = lanes >= 16 ? channels - channels % 8 : 0;

        nint sweepWidth = TilesPerSweep * tile;
        nint k = 0;
        for (; k + sweepWidth <= width; k += sweepWidth)
        {
            // One sweep over four tiles' activations: ∂a, and the panels P[i] = g_i·1[activation > 0] of the four
            // tiles side by side, so that the channel passes below stream them from cache with no mask work.
            SweepFourTiles(ref act, ref g, ref panel, ref a, ref ga, sampleCount, stride, k, scale, decay);
            for (nint t = 0; t < TilesPerSweep; t++)
            {
                ChannelPasses(ref x, ref Unsafe.Add(ref panel, t * tile), sweepWidth, ref a, ref w, ref gw, sampleCount, channels, stride, k + t * tile, scale, decay, wideBlocks);
            }
        }

        for (; k < width; k += tile)
        {
            // The last tiles, one sweep each.
            ref var actColumn = ref Unsafe.Add(ref act, k);
            var ga0 = TLane.Zero;
            var ga1 = TLane.Zero;
            for (nint i = 0; i < sampleCount; i++)
            {
                var b = TLane.Broadcast(Unsafe.Add(ref g, i));
                var s0 = TLane.Load(ref actColumn, i * stride);
                var s1 = TLane.Load(ref actColumn, i * stride + lanes);
                ga0 = TLane.MultiplyAdd(b, s0, ga0);
                ga1 = TLane.MultiplyAdd(b, s1, ga1);
                TLane.Store(TLane.Multiply(b, TLane.PositiveMask(s0)), ref panel, i * tile);
                TLane.Store(TLane.Multiply(b, TLane.PositiveMask(s1)), ref panel, i * tile + lanes);
            }

            StoreOutputGradient(ga0, ga1, ref a, ref ga, k, scale, decay);
            ChannelPasses(ref x, ref panel, tile, ref a, ref w, ref gw, sampleCount, channels, stride, k, scale, decay, wideBlocks);
        }
    }

    /// <summary>∂a for tiles k…k+4·tile, and their four panels interleaved row by row ([sampleCount][4][tile]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SweepFourTiles(ref float act, ref float g, ref float panel, ref float a, ref float ga, int sampleCount, nint stride, nint k, TVector scale, TVector decay)
    {
        var lanes = TLane.Count;
        nint tile = 2 * lanes;
        nint panelStride = TilesPerSweep * tile;
        ref var actColumn = ref Unsafe.Add(ref act, k);
        TVector ga0 = TLane.Zero, ga1 = TLane.Zero, ga2 = TLane.Zero, ga3 = TLane.Zero, ga4 = TLane.Zero, ga5 = TLane.Zero, ga6 = TLane.Zero, ga7 = TLane.Zero;
        for (nint i = 0; i < sampleCount; i++)
        {
            var b = TLane.Broadcast(Unsafe.Add(ref g, i));
            ref var row = ref Unsafe.Add(ref actColumn, i * stride);
            ref var panelRow = ref Unsafe.Add(ref panel, i * panelStride);
            ga0 = SweepVector(b, ref row, ref panelRow, 0, ga0);
            ga1 = SweepVector(b, ref row, ref panelRow, lanes, ga1);
            ga2 = SweepVector(b, ref row, ref panelRow, 2 * lanes, ga2);
            ga3 = SweepVector(b, ref row, ref panelRow, 3 * lanes, ga3);
            ga4 = SweepVector(b, ref row, ref panelRow, 4 * lanes, ga4);
            ga5 = SweepVector(b, ref row, ref panelRow, 5 * lanes, ga5);
            ga6 = SweepVector(b, ref row, ref panelRow, 6 * lanes, ga6);
            ga7 = SweepVector(b, ref row, ref panelRow, 7 * lanes, ga7);
        }

        StoreOutputGradient(ga0, ga1, ref a, ref ga, k, scale, decay);
        StoreOutputGradient(ga2, ga3, ref a, ref ga, k + tile, scale, decay);
        StoreOutputGradient(ga4, ga5, ref a, ref ga, k + 2 * tile, scale, decay);
        StoreOutputGradient(ga6, ga7, ref a, ref ga, k + 3 * tile, scale, decay);
    }

    /// <summary>One vector of a sweep: ∂a += g·s, panel = g·1[s &gt; 0].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector SweepVector(TVector b, ref float row, ref float panelRow, nint offset, TVector accumulator)
    {
        var s = TLane.Load(ref row, offset);
        TLane.Store(TLane.Multiply(b, TLane.PositiveMask(s)), ref panelRow, offset);
        return TLane.MultiplyAdd(b, s, accumulator);
    }

    /// <summary>∂a of one tile: Σ_i g_i·s_i/α + λa.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreOutputGradient(TVector ga0, TVector ga1, ref float a, ref float ga, nint k, TVector scale, TVector decay)
    {
        var lanes = TLane.Count;
        TLane.Store(TLane.MultiplyAdd(ga0, scale, TLane.Multiply(decay, TLane.Load(ref a, k))), ref ga, k);
        TLane.Store(TLane.MultiplyAdd(ga1, scale, TLane.Multiply(decay, TLane.Load(ref a, k + lanes))), ref ga, k + lanes);
    }

    /// <summary>∂W of one tile from its panel (rows <paramref name="panelStride"/> apart), in blocks of 8 or 4 channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ChannelPasses(ref float x, ref float panel, nint panelStride, ref float a, ref float w, ref float gw, int sampleCount, int channels, nint stride, nint k, TVector scale, TVector decay, int wideBlocks)
    {
        var lanes = TLane.Count;
        var tileScale0 = TLane.Multiply(scale, TLane.Load(ref a, k));
        var tileScale1 = TLane.Multiply(scale, TLane.Load(ref a, k + lanes));
        nint j = 0;
        for (; j < wideBlocks; j += 8)
        {
            EightChannels(ref x, ref panel, panelStride, ref w, ref gw, sampleCount, channels, stride, j, k, tileScale0, tileScale1, decay);
        }

        for (; j < channels; j += 4)
        {
            FourChannels(ref x, ref panel, panelStride, ref w, ref gw, sampleCount, channels, stride, j, k, tileScale0, tileScale1, decay);
        }
    }

    /// <summary>∂W for channels j..j+7 of one neuron tile: Σ_i x[i, j+r]·P[i], scaled by a/α, plus λW.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightChannels(ref float x, ref float panel, nint panelStride, ref float w, ref float gw, int sampleCount, int channels, nint stride, nint j, nint k, TVector tileScale0, TVector tileScale1, TVector decay)
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
        ref var xColumn = ref Unsafe.Add(ref x, j);
        for (nint i = 0; i < sampleCount; i++)
        {
            var p0 = TLane.Load(ref panel, i * panelStride);
            var p1 = TLane.Load(ref panel, i * panelStride + lanes);
            ref var xRow = ref Unsafe.Add(ref xColumn, i * channels);
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
        }

        ref var gwTile = ref Unsafe.Add(ref gw, j * stride + k);
        ref var wTile = ref Unsafe.Add(ref w, j * stride + k);
        StoreGradient(c00, c01, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 0, lanes);
        StoreGradient(c10, c11, tileScale0, tileScale1, decay, ref wTile, ref gwTile, stride, lanes);
        StoreGradient(c20, c21, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 2 * stride, lanes);
        StoreGradient(c30, c31, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 3 * stride, lanes);
        StoreGradient(c40, c41, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 4 * stride, lanes);
        StoreGradient(c50, c51, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 5 * stride, lanes);
        StoreGradient(c60, c61, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 6 * stride, lanes);
        StoreGradient(c70, c71, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 7 * stride, lanes);
    }

    /// <summary>∂W for channels j..j+3 of one neuron tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourChannels(ref float x, ref float panel, nint panelStride, ref float w, ref float gw, int sampleCount, int channels, nint stride, nint j, nint k, TVector tileScale0, TVector tileScale1, TVector decay)
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
        ref var xColumn = ref Unsafe.Add(ref x, j);
        for (nint i = 0; i < sampleCount; i++)
        {
            var p0 = TLane.Load(ref panel, i * panelStride);
            var p1 = TLane.Load(ref panel, i * panelStride + lanes);
            ref var xRow = ref Unsafe.Add(ref xColumn, i * channels);
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
        }

        ref var gwTile = ref Unsafe.Add(ref gw, j * stride + k);
        ref var wTile = ref Unsafe.Add(ref w, j * stride + k);
        StoreGradient(c00, c01, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 0, lanes);
        StoreGradient(c10, c11, tileScale0, tileScale1, decay, ref wTile, ref gwTile, stride, lanes);
        StoreGradient(c20, c21, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 2 * stride, lanes);
        StoreGradient(c30, c31, tileScale0, tileScale1, decay, ref wTile, ref gwTile, 3 * stride, lanes);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGradient(TVector c0, TVector c1, TVector s0, TVector s1, TVector decay, ref float weights, ref float gradient, nint offset, int lanes)
    {
        TLane.Store(TLane.MultiplyAdd(c0, s0, TLane.Multiply(decay, TLane.Load(ref weights, offset))), ref gradient, offset);
        TLane.Store(TLane.MultiplyAdd(c1, s1, TLane.Multiply(decay, TLane.Load(ref weights, offset + lanes))), ref gradient, offset + lanes);
    }

    private void CheckShapes(ReadOnlySpan<float> inputs, ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> outputWeights, ReadOnlySpan<float> activations, ReadOnlySpan<float> perSample, int sampleCount, int channels, int width)
    {
        if (sampleCount % SampleBlock != 0 || width % WidthBlock != 0)
        {
            throw new ArgumentException($"The {Path} kernel needs sampleCount padded to {SampleBlock} and width to {WidthBlock} (got {sampleCount}, {width}).");
        }

        if (inputs.Length < sampleCount * channels || inputWeights.Length < channels * width || outputWeights.Length < width
            || activations.Length < sampleCount * width || perSample.Length < sampleCount)
        {
            throw new ArgumentException("Buffers are smaller than the shapes require.");
        }
    }
}
