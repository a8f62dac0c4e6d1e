using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NtkSweep.Training.Linear;

namespace NtkSweep.Training.Metrics;

/// <summary>
/// The empirical NTK of f(x) = (1/α) Σ a_k σ(w_k·x̃), built from matrix products rather than per-parameter loops:
/// K(x, x') = (1/α²)·[ σ(Wx̃)·σ(Wx̃') + (x̃·x̃')·Σ_k a_k²·1[w_k·x̃ &gt; 0]·1[w_k·x̃' &gt; 0] ],
/// the first term from the output weights, the second from the input weights.
/// </summary>
public static class NtkGram
{
    /// <summary>Rows of set A computed together, so that each row of set B is read once per block, not once per row.</summary>
    public const int RowBlock = 4;

    /// <summary>
    /// K[i, j] for rows i of set A and j of set B. Activations come from a forward pass (σ(Wx̃) ≥ 0, so the ReLU mask
    /// is activation &gt; 0).
    /// </summary>
    /// <remarks>
    /// Blocked like a matrix product: <see cref="RowBlock"/> rows of A against one row of B, eight accumulators in
    /// registers, so the B side (n × m activations, beyond the caches at large m) streams from memory once per block.
    /// The sums run over fixed eight-lane vectors in a fixed order, so K is the same on every CPU.
    /// </remarks>
    public static void Compute(
        ReadOnlySpan<float> activationsA, // [countA, stride]
        ReadOnlySpan<float> inputsA, // [countA, channels]
        int countA,
        ReadOnlySpan<float> activationsB, // [countB, stride]
        ReadOnlySpan<float> inputsB, // [countB, channels]
        int countB,
        ReadOnlySpan<float> outputWeights, // [width]
        int width,
        int stride,
        int channels,
        double inverseAlpha,
        bool symmetric,
        Span<float> maskB, // [countB, width] scratch
        Span<float> weightedMasksA, // [RowBlock, width] scratch
        Span<float> kernel) // [countA, countB]
    {
        for (var j = 0; j < countB; j++)
        {
            var row = activationsB.Slice(j * stride, width);
            var mask = maskB.Slice(j * width, width);
            for (var k = 0; k < width; k++)
            {
                mask[k] = row[k] > 0 ? 1f : 0f;
            }
        }

        var scale = (float)(inverseAlpha * inverseAlpha);
        Span<float> outputParts = stackalloc float[RowBlock];
        Span<float> inputParts = stackalloc float[RowBlock];
        for (var blockStart = 0; blockStart < countA; blockStart += RowBlock)
        {
            var rows = Math.Min(RowBlock, countA - blockStart);
            for (var r = 0; r < RowBlock; r++)
            {
                // A short last block repeats its first row; those results are not stored.
                var rowA = activationsA.Slice((blockStart + (r < rows ? r : 0)) * stride, width);
                var weighted = weightedMasksA.Slice(r * width, width);
                for (var k = 0; k < width; k++)
                {
                    weighted[k] = rowA[k] > 0 ? outputWeights[k] * outputWeights[k] : 0f;
                }
            }

            var last = symmetric ? blockStart + rows : countB;
            for (var j = 0; j < last; j++)
            {
                BlockDots(activationsA, blockStart, rows, stride, weightedMasksA, activationsB.Slice(j * stride, width), maskB.Slice(j * width, width), width, outputParts, inputParts);
                for (var r = 0; r < rows; r++)
                {
                    var i = blockStart + r;
                    if (symmetric && j > i)
                    {
                        continue;
                    }

                    var inputProduct = FixedOrder.Dot(inputsA.Slice(i * channels, channels), inputsB.Slice(j * channels, channels));
                    var value = scale * (outputParts[r] + inputProduct * inputParts[r]);
                    kernel[i * countB + j] = value;
                    if (symmetric)
                    {
                        kernel[j * countB + i] = value;
                    }
                }
            }
        }
    }

    /// <summary>
    /// For the <see cref="RowBlock"/> rows of A from <paramref name="blockStart"/>: σ(row)·σ(B row) and
    /// (mask∘a²)(row)·mask(B row), written to <paramref name="outputParts"/> and <paramref name="inputParts"/>.
    /// </summary>
    private static void BlockDots(ReadOnlySpan<float> activationsA, int blockStart, int rows, int stride, ReadOnlySpan<float> weightedMasksA, ReadOnlySpan<float> rowB, ReadOnlySpan<float> maskRowB, int width, Span<float> outputParts, Span<float> inputParts)
    {
        ref var a0 = ref MemoryMarshal.GetReference(activationsA.Slice(blockStart * stride));
        ref var a1 = ref Unsafe.Add(ref a0, rows > 1 ? stride : 0);
        ref var a2 = ref Unsafe.Add(ref a0, rows > 2 ? 2 * stride : 0);
        ref var a3 = ref Unsafe.Add(ref a0, rows > 3 ? 3 * stride : 0);
        ref var m0 = ref MemoryMarshal.GetReference(weightedMasksA);
        ref var m1 = ref Unsafe.Add(ref m0, width);
        ref var m2 = ref Unsafe.Add(ref m0, 2 * width);
        ref var m3 = ref Unsafe.Add(ref m0, 3 * width);
        ref var b = ref MemoryMarshal.GetReference(rowB);
        ref var mb = ref MemoryMarshal.GetReference(maskRowB);
        Vector256<float> o0 = default, o1 = default, o2 = default, o3 = default, i0 = default, i1 = default, i2 = default, i3 = default;
        var lanes = Vector256<float>.Count;
        var k = 0;
        for (; k + lanes <= width; k += lanes)
        {
            var offset = (nuint)k;
            var activationB = Vector256.LoadUnsafe(ref b, offset);
            var maskB = Vector256.LoadUnsafe(ref mb, offset);
            o0 += Vector256.LoadUnsafe(ref a0, offset) * activationB;
            o1 += Vector256.LoadUnsafe(ref a1, offset) * activationB;
            o2 += Vector256.LoadUnsafe(ref a2, offset) * activationB;
            o3 += Vector256.LoadUnsafe(ref a3, offset) * activationB;
            i0 += Vector256.LoadUnsafe(ref m0, offset) * maskB;
            i1 += Vector256.LoadUnsafe(ref m1, offset) * maskB;
            i2 += Vector256.LoadUnsafe(ref m2, offset) * maskB;
            i3 += Vector256.LoadUnsafe(ref m3, offset) * maskB;
        }

        outputParts[0] = FixedOrder.SumLanes(o0);
        outputParts[1] = FixedOrder.SumLanes(o1);
        outputParts[2] = FixedOrder.SumLanes(o2);
        outputParts[3] = FixedOrder.SumLanes(o3);
        inputParts[0] = FixedOrder.SumLanes(i0);
        inputParts[1] = FixedOrder.SumLanes(i1);
        inputParts[2] = FixedOrder.SumLanes(i2);
        inputParts[3] = FixedOrder.SumLanes(i3);
        for (; k < width; k++)
        {
            var activationB = Unsafe.Add(ref b, k);
            var maskB = Unsafe.Add(ref mb, k);
            outputParts[0] += Unsafe.Add(ref a0, k) * activationB;
            outputParts[1] += Unsafe.Add(ref a1, k) * activationB;
            outputParts[2] += Unsafe.Add(ref a2, k) * activationB;
            outputParts[3] += Unsafe.Add(ref a3, k) * activationB;
            inputParts[0] += Unsafe.Add(ref m0, k) * maskB;
            inputParts[1] += Unsafe.Add(ref m1, k) * maskB;
            inputParts[2] += Unsafe.Add(ref m2, k) * maskB;
            inputParts[3] += Unsafe.Add(ref m3, k) * maskB;
        }
    }

    /// <summary>
    /// Largest eigenvalue of a symmetric positive semi-definite matrix by power iteration, from a fixed
    /// pseudo-random start (a uniform start lies in the null space of any centred kernel), until the residual
    /// ‖Kv − λv‖ is below 1e-4·λ.
    /// </summary>
    public static double LargestEigenvalue(ReadOnlySpan<float> matrix, int size, Span<float> vector, Span<float> next, int iterations = 100)
    {
        var state = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < size; i++)
        {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            vector[i] = 0.5f + (state >> 40) / (float)(1UL << 24);
        }

        TensorPrimitives.Multiply(vector[..size], 1f / FixedOrder.Norm(vector[..size]), vector[..size]);
        double estimate = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var i = 0; i < size; i++)
            {
                next[i] = FixedOrder.Dot(matrix.Slice(i * size, size), vector[..size]);
            }

            // Rayleigh quotient vᵀKv (v has unit norm) and the residual of the current vector.
            estimate = FixedOrder.Dot(vector[..size], next[..size]);
            double residual = 0;
            for (var i = 0; i < size; i++)
            {
                var delta = next[i] - estimate * vector[i];
                residual += delta * delta;
            }

            var norm = FixedOrder.Norm(next[..size]);
            if (!double.IsFinite(norm))
            {
                return double.PositiveInfinity;
            }

            if (!(norm > 0))
            {
                return 0;
            }

            TensorPrimitives.Multiply(next[..size], 1 / norm, vector[..size]);
            if (Math.Sqrt(residual) <= 1e-4 * Math.Abs(estimate))
            {
                break;
            }
        }

        return Math.Max(estimate, 0);
    }

    /// <summary>‖A − B‖_F / ‖B‖_F for parameters kept in float64 against their float32 start.</summary>
    public static double RelativeChange(ReadOnlySpan<double> current, ReadOnlySpan<float> initial)
    {
        double difference = 0;
        double reference = 0;
        for (var i = 0; i < current.Length; i++)
        {
            var delta = current[i] - initial[i];
            difference += delta * delta;
            reference += (double)initial[i] * initial[i];
        }

        return reference > 0 ? Math.Sqrt(difference / reference) : double.NaN;
    }

    /// <summary>‖A − B‖_F / ‖B‖_F.</summary>
    public static double RelativeChange(ReadOnlySpan<float> current, ReadOnlySpan<float> initial)
    {
        double difference = 0;
        double reference = 0;
        for (var i = 0; i < current.Length; i++)
        {
            double delta = current[i] - initial[i];
            difference += delta * delta;
            reference += (double)initial[i] * initial[i];
        }

        return reference > 0 ? Math.Sqrt(difference / reference) : double.NaN;
    }

    /// <summary>
    /// Centred kernel–target alignment A(K, yyᵀ) = ⟨HKH, Hyyᵀ H⟩ / (‖HKH‖_F·‖Hy‖²) (Cortes et al.; equals linear CKA).
    /// Invariant to scaling K.
    /// </summary>
    public static double CenteredAlignment(ReadOnlySpan<float> kernel, ReadOnlySpan<float> targets, int size)
    {
        var rowMeans = new double[size];
        double total = 0;
        for (var i = 0; i < size; i++)
        {
            double sum = 0;
            for (var j = 0; j < size; j++)
            {
                sum += kernel[i * size + j];
            }

            rowMeans[i] = sum / size;
            total += sum;
        }

        var grandMean = total / ((double)size * size);
        double targetMean = 0;
        for (var i = 0; i < size; i++)
        {
            targetMean += targets[i];
        }

        targetMean /= size;
        double numerator = 0;
        double kernelNorm = 0;
        double targetNorm = 0;
        for (var i = 0; i < size; i++)
        {
            var yi = targets[i] - targetMean;
            targetNorm += yi * yi;
            for (var j = 0; j < size; j++)
            {
                // K is symmetric, so its column means equal its row means.
                var centred = kernel[i * size + j] - rowMeans[i] - rowMeans[j] + grandMean;
                kernelNorm += centred * centred;
                numerator += yi * centred * (targets[j] - targetMean);
            }
        }

        return kernelNorm > 0 && targetNorm > 0 ? numerator / (Math.Sqrt(kernelNorm) * targetNorm) : double.NaN;
    }
}
