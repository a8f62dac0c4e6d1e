using System.Numerics.Tensors;

namespace NtkSweep.Training.Metrics;

/// <summary>
/// The empirical NTK of f(x) = (1/α) Σ a_k σ(w_k·x̃), built from matrix products rather than per-parameter loops:
/// K(x, x') = (1/α²)·[ σ(Wx̃)·σ(Wx̃') + (x̃·x̃')·Σ_k a_k²·1[w_k·x̃ &gt; 0]·1[w_k·x̃' &gt; 0] ],
/// the first term from the output weights, the second from the input weights.
/// </summary>
public static class NtkGram
{
    /// <summary>
    /// K[i, j] for rows i of set A and j of set B. Activations come from a forward pass (σ(Wx̃) ≥ 0, so the ReLU mask
    /// is activation &gt; 0).
    /// </summary>
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
        Span<float> weightedMaskRow, // [width] scratch
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
        for (var i = 0; i < countA; i++)
        {
            var rowA = activationsA.Slice(i * stride, width);
            for (var k = 0; k < width; k++)
            {
                weightedMaskRow[k] = rowA[k] > 0 ? outputWeights[k] * outputWeights[k] : 0f;
            }

            var inputA = inputsA.Slice(i * channels, channels);
            var last = symmetric ? i + 1 : countB;
            for (var j = 0; j < last; j++)
            {
                var outputPart = TensorPrimitives.Dot(rowA, activationsB.Slice(j * stride, width));
                var inputPart = TensorPrimitives.Dot(weightedMaskRow[..width], maskB.Slice(j * width, width));
                var inputProduct = TensorPrimitives.Dot(inputA, inputsB.Slice(j * channels, channels));
                var value = scale * (outputPart + inputProduct * inputPart);
                kernel[i * countB + j] = value;
                if (symmetric)
                {
                    kernel[j * countB + i] = value;
                }
            }
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

        TensorPrimitives.Multiply(vector[..size], 1f / TensorPrimitives.Norm(vector[..size]), vector[..size]);
        double estimate = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var i = 0; i < size; i++)
            {
                next[i] = TensorPrimitives.Dot(matrix.Slice(i * size, size), vector[..size]);
            }

            // Rayleigh quotient vᵀKv (v has unit norm) and the residual of the current vector.
            estimate = TensorPrimitives.Dot(vector[..size], next[..size]);
            double residual = 0;
            for (var i = 0; i < size; i++)
            {
                var delta = next[i] - estimate * vector[i];
                residual += delta * delta;
            }

            var norm = TensorPrimitives.Norm(next[..size]);
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
