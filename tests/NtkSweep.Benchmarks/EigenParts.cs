using System.Diagnostics;
using System.Globalization;
using NtkSweep.Training.Linear;

namespace NtkSweep.Benchmarks;

/// <summary>
/// `eigen N`: what the once-per-run eigendecomposition of an N × N Gram matrix costs, by part: the tridiagonal reduction,
/// forming U explicitly and the QL iteration rotating it (<see cref="SymmetricEigen.Decompose"/>), against the
/// implicit basis a run uses (<see cref="SpectralBasis.Decompose"/>).
/// </summary>
internal static class EigenParts
{
    public static int Run(int size)
    {
        var gram = GramMatrix(size);
        for (var repeat = 0; repeat < 3; repeat++)
        {
            var matrix = gram.Select(value => (double)value).ToArray();
            var diagonal = new double[size];
            var offDiagonal = new double[size];
            var scale = new double[size];
            var rows = new double[size * size];
            var t0 = Stopwatch.GetTimestamp();
            SymmetricEigen.Tridiagonalize(matrix, size, diagonal, offDiagonal, scale);
            var t1 = Stopwatch.GetTimestamp();
            SymmetricEigen.AccumulateTransposedBasis(matrix, size, scale, rows);
            var t2 = Stopwatch.GetTimestamp();
            SymmetricEigen.Decompose(gram.Select(value => (double)value).ToArray(), size, diagonal, rows);
            var t3 = Stopwatch.GetTimestamp();
            _ = SpectralBasis.Decompose<float>(gram, size);
            var t4 = Stopwatch.GetTimestamp();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n = {size}: tridiagonal reduction {Stopwatch.GetElapsedTime(t0, t1).TotalSeconds:0.000} s, forming U {Stopwatch.GetElapsedTime(t1, t2).TotalSeconds:0.000} s, explicit decomposition in all {Stopwatch.GetElapsedTime(t2, t3).TotalSeconds:0.000} s, implicit basis {Stopwatch.GetElapsedTime(t3, t4).TotalSeconds:0.000} s"));
        }

        return 0;
    }

    /// <summary>A Gram matrix of rank 64 (an NTK-like spectrum with a cluster of zeros when n &gt; 64).</summary>
    internal static float[] GramMatrix(int size)
    {
        var random = new System.Random(1);
        var factor = Enumerable.Range(0, size * 64).Select(_ => random.NextDouble() - 0.5).ToArray();
        var matrix = new float[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                matrix[i * size + j] = matrix[j * size + i] = (float)FixedOrder.Dot(factor.AsSpan(i * 64, 64), factor.AsSpan(j * 64, 64));
            }
        }

        return matrix;
    }
}
