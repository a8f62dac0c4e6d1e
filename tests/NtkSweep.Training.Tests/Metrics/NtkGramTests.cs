using NtkSweep.Training.Kernels;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Random;
using NtkSweep.Training.Tests.Kernels;

namespace NtkSweep.Training.Tests.Metrics;

public sealed class NtkGramTests
{
    /// <summary>
    /// The strongest check of the NTK formula: K = J·Jᵀ with J = ∂f/∂θ built column by column (one parameter at a
    /// time) from central differences of the float64 reference forward pass, independent of the closed form.
    /// Widths below and above one eight-lane vector, and row counts that leave a short last block of rows.
    /// </summary>
    [Theory]
    [InlineData(true, 4, 5)]
    [InlineData(false, 4, 5)]
    [InlineData(true, 7, 21)]
    [InlineData(false, 6, 21)]
    public void Compute_matches_jacobian_product_built_parameter_by_parameter(bool symmetric, int countA, int width)
    {
        const int countB = 3;
        const int channels = 3;
        var stride = width + 3;
        const double alpha = 1.7;
        var net = RandomNetwork.Create(countA + countB, channels, width, seed: 99);
        var inputsA = net.Inputs.Take(countA * channels).ToArray();
        var inputsB = symmetric ? inputsA : net.Inputs.Skip(countA * channels).ToArray();
        var countOfB = symmetric ? countA : countB;

        var jacobianA = Jacobian(net, inputsA, countA, alpha);
        var jacobianB = Jacobian(net, inputsB, countOfB, alpha);
        var parameterCount = width + channels * width;

        var activationsA = PaddedActivations(net, inputsA, countA, stride, alpha);
        var activationsB = PaddedActivations(net, inputsB, countOfB, stride, alpha);
        var kernel = new float[countA * countOfB];
        NtkGram.Compute(
            activationsA, ToFloat(inputsA), countA,
            activationsB, ToFloat(inputsB), countOfB,
            ToFloat(net.OutputWeights), width, stride, channels, 1 / alpha, symmetric,
            new float[countOfB * width], new float[NtkGram.RowBlock * width], kernel);

        for (var i = 0; i < countA; i++)
        {
            for (var j = 0; j < countOfB; j++)
            {
                double expected = 0;
                double magnitude = 0;
                for (var p = 0; p < parameterCount; p++)
                {
                    var term = jacobianA[i * parameterCount + p] * jacobianB[j * parameterCount + p];
                    expected += term;
                    magnitude += Math.Abs(term);
                }

                // float32 products and sums of ~25 terms: a few units of 2⁻²⁴ relative to Σ|terms|.
                Assert.Equal(expected, kernel[i * countOfB + j], 1e-5 * magnitude + 1e-12);
            }
        }
    }

    [Fact]
    public void Largest_eigenvalue_of_a_known_matrix_is_found()
    {
        // A = Q·diag(λ)·Qᵀ with Q a Householder reflection, so the eigenvalues are exactly λ.
        double[] eigenvalues = [9, 4, 2, 1, 0.5, 0];
        var matrix = RotatedDiagonal(eigenvalues, seed: 3);
        var size = eigenvalues.Length;
        var estimate = NtkGram.LargestEigenvalue(matrix, size, new float[size], new float[size]);
        // Power iteration stops on a 1e-4 relative change; with ratio 4/9 that leaves well under 1e-3 error.
        Assert.Equal(9, estimate, 9e-3);
    }

    [Fact]
    public void Largest_eigenvalue_of_a_centred_gram_matrix_is_found()
    {
        // A centred kernel HKH has the constant vector in its null space, which is exactly where the power iteration
        // starts (v = 1/√n). The linear kernel of the centred points x = ±√1.5 is [[1.5, −1.5], [−1.5, 1.5]], with
        // eigenvalues 3 (eigenvector (1, −1)) and 0 (eigenvector (1, 1)).
        float[] centred = [1.5f, -1.5f, -1.5f, 1.5f];
        var estimate = NtkGram.LargestEigenvalue(centred, 2, new float[2], new float[2]);
        Assert.Equal(3, estimate, 3e-3);
    }

    [Fact]
    public void Centred_alignment_is_unchanged_when_the_kernel_is_scaled()
    {
        const int size = 9;
        var (kernel, targets) = RandomKernelAndTargets(size, seed: 5);
        var reference = NtkGram.CenteredAlignment(kernel, targets, size);
        Assert.InRange(reference, -1, 1);
        foreach (var scale in new[] { 1e-6f, 0.37f, 3.7f, 1234.5f })
        {
            var scaled = kernel.Select(value => value * scale).ToArray();
            Assert.Equal(reference, NtkGram.CenteredAlignment(scaled, targets, size), 1e-6);
        }
    }

    [Fact]
    public void Centred_alignment_matches_its_definition_computed_in_float64()
    {
        const int size = 7;
        var (kernel, targets) = RandomKernelAndTargets(size, seed: 8);
        // A(K, yyᵀ) = ⟨HKH, Hyyᵀ H⟩ / (‖HKH‖_F·‖Hy‖²) with H = I − 11ᵀ/n, built with explicit matrix products.
        var h = new double[size, size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                h[i, j] = (i == j ? 1 : 0) - 1.0 / size;
            }
        }

        var centred = new double[size, size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double sum = 0;
                for (var p = 0; p < size; p++)
                {
                    for (var q = 0; q < size; q++)
                    {
                        sum += h[i, p] * kernel[p * size + q] * h[q, j];
                    }
                }

                centred[i, j] = sum;
            }
        }

        var centredTargets = new double[size];
        for (var i = 0; i < size; i++)
        {
            for (var p = 0; p < size; p++)
            {
                centredTargets[i] += h[i, p] * targets[p];
            }
        }

        double numerator = 0;
        double kernelNorm = 0;
        double targetNorm = 0;
        for (var i = 0; i < size; i++)
        {
            targetNorm += centredTargets[i] * centredTargets[i];
            for (var j = 0; j < size; j++)
            {
                numerator += centred[i, j] * centredTargets[i] * centredTargets[j];
                kernelNorm += centred[i, j] * centred[i, j];
            }
        }

        var expected = numerator / (Math.Sqrt(kernelNorm) * targetNorm);
        Assert.Equal(expected, NtkGram.CenteredAlignment(kernel, targets, size), 1e-6);
    }

    [Fact]
    public void Centred_alignment_is_one_for_the_target_kernel_and_one_over_root_n_minus_one_for_the_identity()
    {
        const int size = 6;
        float[] targets = [0.3f, -1.2f, 2.0f, 0.7f, -0.4f, 1.1f];
        var targetKernel = new float[size * size];
        var identity = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            identity[i * size + i] = 1;
            for (var j = 0; j < size; j++)
            {
                targetKernel[i * size + j] = targets[i] * targets[j];
            }
        }

        Assert.Equal(1, NtkGram.CenteredAlignment(targetKernel, targets, size), 1e-6);
        // ⟨HIH, Hyyᵀ H⟩ = ‖Hy‖² and ‖H‖_F = √(n − 1).
        Assert.Equal(1 / Math.Sqrt(size - 1), NtkGram.CenteredAlignment(identity, targets, size), 1e-6);
    }

    [Fact]
    public void Relative_change_is_the_frobenius_ratio()
    {
        float[] initial = [3, 0, 4, 0];
        float[] current = [3, 1, 4, 0];
        Assert.Equal(0.2, NtkGram.RelativeChange(current, initial), 1e-12);
        Assert.Equal(0, NtkGram.RelativeChange(initial, initial));
        Assert.True(double.IsNaN(NtkGram.RelativeChange(current, new float[4])));
    }

    private static double[] Jacobian(RandomNetwork net, double[] inputs, int count, double alpha)
    {
        const double step = 1e-6;
        var channels = net.Channels;
        var width = net.Width;
        var parameterCount = width + channels * width;
        var jacobian = new double[count * parameterCount];
        var outputWeights = (double[])net.OutputWeights.Clone();
        var inputWeights = (double[])net.InputWeights.Clone();
        var activations = new double[count * width];
        var plus = new double[count];
        var minus = new double[count];

        // Parameter order: a_0..a_{m−1}, then W row by row, as in the trainer's parameter vector.
        for (var p = 0; p < parameterCount; p++)
        {
            var (vector, index) = p < width ? (outputWeights, p) : (inputWeights, p - width);
            var original = vector[index];
            vector[index] = original + step;
            ReferenceKernel<double>.Forward(inputs, inputWeights, outputWeights, count, channels, width, 1 / alpha, activations, plus);
            vector[index] = original - step;
            ReferenceKernel<double>.Forward(inputs, inputWeights, outputWeights, count, channels, width, 1 / alpha, activations, minus);
            vector[index] = original;
            for (var i = 0; i < count; i++)
            {
                jacobian[i * parameterCount + p] = (plus[i] - minus[i]) / (2 * step);
            }
        }

        return jacobian;
    }

    /// <summary>Float32 activations in rows of <paramref name="stride"/>, with NaN in the columns past the width.</summary>
    private static float[] PaddedActivations(RandomNetwork net, double[] inputs, int count, int stride, double alpha)
    {
        var width = net.Width;
        var activations = new float[count * width];
        ReferenceKernel<float>.Forward(ToFloat(inputs), ToFloat(net.InputWeights), ToFloat(net.OutputWeights), count, net.Channels, width, (float)(1 / alpha), activations, new float[count]);
        var padded = new float[count * stride];
        Array.Fill(padded, float.NaN);
        for (var i = 0; i < count; i++)
        {
            activations.AsSpan(i * width, width).CopyTo(padded.AsSpan(i * stride));
        }

        return padded;
    }

    private static float[] RotatedDiagonal(double[] eigenvalues, ulong seed)
    {
        var size = eigenvalues.Length;
        var rng = new Xoshiro256(seed);
        var v = Enumerable.Range(0, size).Select(_ => rng.NextGaussian()).ToArray();
        var norm2 = v.Sum(x => x * x);
        var q = new double[size, size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                q[i, j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / norm2;
            }
        }

        var matrix = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double sum = 0;
                for (var k = 0; k < size; k++)
                {
                    sum += q[i, k] * eigenvalues[k] * q[j, k];
                }

                matrix[i * size + j] = (float)sum;
            }
        }

        return matrix;
    }

    private static (float[] Kernel, float[] Targets) RandomKernelAndTargets(int size, ulong seed)
    {
        // K = FFᵀ for random features F: symmetric positive semi-definite like an NTK Gram matrix.
        var rng = new Xoshiro256(seed);
        const int features = 4;
        var f = Enumerable.Range(0, size * features).Select(_ => rng.NextGaussian() + 0.5).ToArray();
        var kernel = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double sum = 0;
                for (var p = 0; p < features; p++)
                {
                    sum += f[i * features + p] * f[j * features + p];
                }

                kernel[i * size + j] = (float)sum;
            }
        }

        var targets = Enumerable.Range(0, size).Select(_ => (float)rng.NextGaussian()).ToArray();
        return (kernel, targets);
    }

    private static float[] ToFloat(double[] values) => values.Select(value => (float)value).ToArray();
}
