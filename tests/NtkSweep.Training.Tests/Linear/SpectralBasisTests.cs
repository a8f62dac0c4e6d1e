using NtkSweep.Training.Linear;

namespace NtkSweep.Training.Tests.Linear;

/// <summary>The implicit eigenbasis against the explicit eigenvectors of <see cref="SymmetricEigen.Decompose"/>.</summary>
public sealed class SpectralBasisTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 0)]
    [InlineData(31, 0)]
    [InlineData(200, 0)]
    [InlineData(200, 40)]
    public void Implicit_basis_maps_vectors_like_the_explicit_eigenvectors(int size, int rank)
    {
        var random = new System.Random(size + rank);
        var matrix = rank == 0 ? RandomSymmetric(random, size) : Gram(random, size, rank);
        var basis = SpectralBasis.Decompose<float>(matrix, size);

        var explicitValues = new double[size];
        var explicitRows = new double[size * size];
        SymmetricEigen.Decompose(matrix.Select(value => (double)value).ToArray(), size, explicitValues, explicitRows);
        Assert.Equal(explicitValues, basis.Eigenvalues);

        var x = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var modes = new double[size];
        basis.ToModes(x, modes);
        for (var k = 0; k < size; k++)
        {
            var expected = Enumerable.Range(0, size).Sum(i => explicitRows[k * size + i] * x[i]);
            Assert.True(Math.Abs(expected - modes[k]) <= 1e-12 * Norm(x), $"mode {k}: {modes[k]} against {expected}");
        }

        var back = new double[size];
        basis.FromModes(modes, back);
        for (var i = 0; i < size; i++)
        {
            Assert.True(Math.Abs(back[i] - x[i]) <= 1e-12 * Norm(x), $"entry {i}: {back[i]} against {x[i]}");
        }
    }

    [Fact]
    public void Basis_diagonalizes_the_matrix_it_came_from()
    {
        // A·x = U·diag(λ)·Uᵀ·x for a Gram matrix with a cluster of zero eigenvalues.
        const int size = 120;
        var random = new System.Random(9);
        var matrix = Gram(random, size, 30);
        var basis = SpectralBasis.Decompose<float>(matrix, size);
        var x = Enumerable.Range(0, size).Select(_ => random.NextDouble() - 0.5).ToArray();
        var modes = new double[size];
        basis.ToModes(x, modes);
        for (var k = 0; k < size; k++)
        {
            modes[k] *= basis.Eigenvalues[k];
        }

        var product = new double[size];
        basis.FromModes(modes, product);
        var scale = basis.Eigenvalues.Max() * Norm(x);
        for (var i = 0; i < size; i++)
        {
            var expected = Enumerable.Range(0, size).Sum(j => (double)matrix[i * size + j] * x[j]);
            Assert.True(Math.Abs(expected - product[i]) <= 1e-11 * scale, $"entry {i}: {product[i]} against {expected}");
        }
    }

    private static double Norm(double[] x) => Math.Sqrt(x.Sum(value => value * value));

    private static float[] RandomSymmetric(System.Random random, int size)
    {
        var matrix = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                matrix[i * size + j] = matrix[j * size + i] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return matrix;
    }

    private static float[] Gram(System.Random random, int size, int rank)
    {
        var factor = Enumerable.Range(0, size * rank).Select(_ => random.NextDouble() - 0.5).ToArray();
        var matrix = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                matrix[i * size + j] = matrix[j * size + i] = (float)Enumerable.Range(0, rank).Sum(r => factor[i * rank + r] * factor[j * rank + r]);
            }
        }

        return matrix;
    }
}
