using NtkSweep.Training.Linear;

namespace NtkSweep.Training.Tests.Linear;

public sealed class SymmetricEigenTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(17, 4)]
    [InlineData(64, 5)]
    [InlineData(203, 6)]
    public void Random_symmetric_matrix_is_reconstructed_by_orthonormal_eigenvectors(int size, int seed)
    {
        var random = new System.Random(seed);
        var matrix = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                matrix[i * size + j] = matrix[j * size + i] = random.NextDouble() * 2 - 1;
            }
        }

        AssertDecomposes(matrix, size);
    }

    [Theory]
    [InlineData(60, 5)]
    [InlineData(256, 64)]
    public void Rank_deficient_gram_matrix_with_a_cluster_of_zero_eigenvalues_decomposes(int size, int rank)
    {
        // K = J·Jᵀ with J of rank r: n − r eigenvalues are 0, as in an NTK with fewer parameters than samples.
        var random = new System.Random(7);
        var factor = new double[size * rank];
        for (var i = 0; i < factor.Length; i++)
        {
            factor[i] = random.NextDouble() - 0.5;
        }

        var matrix = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                for (var r = 0; r < rank; r++)
                {
                    matrix[i * size + j] += factor[i * rank + r] * factor[j * rank + r];
                }
            }
        }

        var eigenvalues = AssertDecomposes(matrix, size);
        var largest = eigenvalues.Max();
        Assert.Equal(size - rank, eigenvalues.Count(value => Math.Abs(value) < 1e-12 * largest));
    }

    [Fact]
    public void Identity_and_diagonal_matrices_keep_their_eigenvalues()
    {
        const int size = 9;
        var matrix = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            matrix[i * size + i] = i < 4 ? 1 : i;
        }

        var eigenvalues = AssertDecomposes(matrix, size);
        Assert.Equal(Enumerable.Range(0, size).Select(i => i < 4 ? 1.0 : i), eigenvalues.Order());
    }

    [Fact]
    public void Decomposition_is_bit_identical_when_repeated()
    {
        const int size = 40;
        var random = new System.Random(3);
        var matrix = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                matrix[i * size + j] = matrix[j * size + i] = random.NextDouble();
            }
        }

        var first = Decompose(matrix, size);
        var second = Decompose(matrix, size);
        Assert.Equal(first.Values, second.Values);
        Assert.Equal(first.Vectors, second.Vectors);
    }

    private static double[] AssertDecomposes(double[] matrix, int size)
    {
        var (eigenvalues, eigenvectors) = Decompose(matrix, size);
        var norm = Math.Sqrt(matrix.Sum(value => value * value));
        for (var k = 0; k < size; k++)
        {
            // ‖A·u_k − λ_k·u_k‖ small against ‖A‖, and the rows orthonormal.
            double residual = 0;
            for (var i = 0; i < size; i++)
            {
                double product = 0;
                for (var j = 0; j < size; j++)
                {
                    product += matrix[i * size + j] * eigenvectors[k * size + j];
                }

                var difference = product - eigenvalues[k] * eigenvectors[k * size + i];
                residual += difference * difference;
            }

            Assert.True(Math.Sqrt(residual) <= 1e-12 * norm, $"eigenpair {k}: residual {Math.Sqrt(residual)}");
            for (var l = 0; l <= k; l++)
            {
                double dot = 0;
                for (var i = 0; i < size; i++)
                {
                    dot += eigenvectors[k * size + i] * eigenvectors[l * size + i];
                }

                Assert.True(Math.Abs(dot - (k == l ? 1 : 0)) <= 1e-12, $"rows {k} and {l}: dot {dot}");
            }
        }

        return eigenvalues;
    }

    private static (double[] Values, double[] Vectors) Decompose(double[] matrix, int size)
    {
        var copy = (double[])matrix.Clone();
        var values = new double[size];
        var vectors = new double[size * size];
        SymmetricEigen.Decompose(copy, size, values, vectors);
        return (values, vectors);
    }
}
