using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace NtkSweep.Training.Linear;

/// <summary>
/// Eigendecomposition A = U·diag(λ)·Uᵀ of a real symmetric matrix in float64: Householder reduction to a tridiagonal
/// matrix, then the implicit QL iteration with Wilkinson-type shifts on it, rotating the Householder basis along.
/// </summary>
/// <remarks>
/// The textbook pair (Golub and Van Loan §8.3; EISPACK's tred2/tql2), written over rows so that every inner loop is a
/// contiguous vector operation: the reduction's products and rank-2 updates run on rows of the trailing matrix, and
/// the QL rotations combine two rows of Uᵀ (an eigenvector per row). About 3n³ flops with the eigenvectors; run once
/// per training run, never per step.
/// </remarks>
public static class SymmetricEigen
{
    private const int MaxIterationsPerEigenvalue = 60;

    /// <summary>
    /// Decomposes <paramref name="matrix"/> (destroyed). Row k of <paramref name="eigenvectors"/> is the unit
    /// eigenvector of <paramref name="eigenvalues"/>[k]; the eigenvalues come in no particular order.
    /// </summary>
    public static void Decompose(
        Span<double> matrix, // [size, size], symmetric; overwritten
        int size,
        Span<double> eigenvalues, // [size]
        Span<double> eigenvectors) // [size, size], row k = eigenvector k
    {
        if (matrix.Length < size * size || eigenvectors.Length < size * size || eigenvalues.Length < size)
        {
            throw new ArgumentException("Buffers are smaller than the shapes require.");
        }

        if (size == 0)
        {
            return;
        }

        // [size] the tridiagonal's off-diagonal: offDiagonal[i] couples i and i + 1
        var offDiagonal = new double[size];
        // [size] the Householder scalars τ_k of H_k = I − τ_k·v_k·v_kᵀ
        var householderScale = new double[size];
        Tridiagonalize(matrix, size, eigenvalues, offDiagonal, householderScale);
        AccumulateTransposedBasis(matrix, size, householderScale, eigenvectors);
        var rows = new RowRotations(eigenvectors[..(size * size)], size);
        DiagonalizeTridiagonal(eigenvalues, offDiagonal, size, ref rows);
    }

    /// <summary>Receives every plane rotation of the QL iteration: (x_i, x_{i+1}) ← (c·x_i − s·x_{i+1}, s·x_i + c·x_{i+1}).</summary>
    internal interface IRotationSink
    {
        void Rotate(int index, double cosine, double sine);
    }

    /// <summary>
    /// H_{n−3}⋯H_0·A·H_0⋯H_{n−3} = T, reading and updating only the lower triangle of the trailing block (half the
    /// memory traffic of a full update). Row k keeps v_k in its columns k+1… (the upper triangle, free once row k is
    /// reduced); the diagonal and off-diagonal of T go to <paramref name="diagonal"/> and <paramref name="offDiagonal"/>.
    /// </summary>
    internal static void Tridiagonalize(Span<double> matrix, int size, Span<double> diagonal, Span<double> offDiagonal, Span<double> householderScale)
    {
        // [size] scratch: p = τ·A₂₂·v, then w = p − (τ/2)(pᵀv)·v
        Span<double> update = new double[size];
        for (var k = 0; k < size - 2; k++)
        {
            diagonal[k] = matrix[k * size + k];
            var length = size - k - 1;
            // Column k below the diagonal, copied into row k right of it.
            var vector = matrix.Slice(k * size + k + 1, length);
            for (var i = 0; i < length; i++)
            {
                vector[i] = matrix[(k + 1 + i) * size + k];
            }

            var norm = Math.Sqrt(FixedOrder.SumOfSquares(vector));
            if (norm == 0)
            {
                householderScale[k] = 0;
                offDiagonal[k] = 0;
                continue;
            }

            // Reflect x onto −sign(x₀)·‖x‖·e₁ so that v = x − that never cancels.
            var image = vector[0] > 0 ? -norm : norm;
            vector[0] -= image;
            var scale = 2 / FixedOrder.SumOfSquares(vector);
            householderScale[k] = scale;
            offDiagonal[k] = image;

            // p = A₂₂·v from the lower triangle: row i gives p_i its part up to the diagonal and, by symmetry, adds
            // its off-diagonal entries times v_i to p_0…p_{i−1}.
            var p = update[..length];
            p.Clear();
            for (var i = 0; i < length; i++)
            {
                var row = matrix.Slice((k + 1 + i) * size + k + 1, i + 1);
                p[i] += FixedOrder.Dot(row, vector[..(i + 1)]);
                TensorPrimitives.MultiplyAdd(row[..i], vector[i], p[..i], p[..i]);
            }

            TensorPrimitives.Multiply(p, scale, p);
            var correction = 0.5 * scale * FixedOrder.Dot(p, vector);
            TensorPrimitives.MultiplyAdd(vector, -correction, p, p);
            for (var i = 0; i < length; i++)
            {
                // A₂₂ ← A₂₂ − v·wᵀ − w·vᵀ on the lower triangle, one row at a time.
                var row = matrix.Slice((k + 1 + i) * size + k + 1, i + 1);
                TensorPrimitives.MultiplyAdd(p[..(i + 1)], -vector[i], row, row);
                TensorPrimitives.MultiplyAdd(vector[..(i + 1)], -p[i], row, row);
            }
        }

        if (size >= 2)
        {
            diagonal[size - 2] = matrix[(size - 2) * size + size - 2];
            offDiagonal[size - 2] = matrix[(size - 1) * size + size - 2];
        }

        diagonal[size - 1] = matrix[size * size - 1];
        offDiagonal[size - 1] = 0;
    }

    /// <summary>Writes Qᵀ = (H_0⋯H_{n−3})ᵀ into <paramref name="basis"/>, building Q from the last reflection back.</summary>
    internal static void AccumulateTransposedBasis(ReadOnlySpan<double> reflections, int size, ReadOnlySpan<double> householderScale, Span<double> basis)
    {
        // Q in row-major first: each H_k touches rows and columns k+1… only, and the later ones are already applied.
        var q = basis[..(size * size)];
        q.Clear();
        for (var i = 0; i < size; i++)
        {
            q[i * size + i] = 1;
        }

        // [size] scratch: vᵀ·Q₂₂
        Span<double> combination = new double[size];
        for (var k = size - 3; k >= 0; k--)
        {
            var scale = householderScale[k];
            if (scale == 0)
            {
                continue;
            }

            var length = size - k - 1;
            var vector = reflections.Slice(k * size + k + 1, length);
            var sum = combination[..length];
            sum.Clear();
            for (var i = 0; i < length; i++)
            {
                TensorPrimitives.MultiplyAdd(q.Slice((k + 1 + i) * size + k + 1, length), vector[i], sum, sum);
            }

            for (var i = 0; i < length; i++)
            {
                var row = q.Slice((k + 1 + i) * size + k + 1, length);
                TensorPrimitives.MultiplyAdd(sum, -scale * vector[i], row, row);
            }
        }

        for (var i = 0; i < size; i++)
        {
            for (var j = i + 1; j < size; j++)
            {
                (q[i * size + j], q[j * size + i]) = (q[j * size + i], q[i * size + j]);
            }
        }
    }

    /// <summary>
    /// The implicit QL iteration on the tridiagonal (diagonal, offDiagonal), leaving the eigenvalues in
    /// <paramref name="diagonal"/>; every plane rotation of rows i and i+1 of T goes to <paramref name="sink"/>.
    /// </summary>
    /// <remarks>
    /// An off-diagonal counts as zero once it is below the unit roundoff times the matrix's norm (EISPACK's tql2 test):
    /// a test relative to its two diagonal neighbours alone never deflates a cluster of zero eigenvalues, which every
    /// Gram matrix of rank below its size has.
    /// </remarks>
    internal static void DiagonalizeTridiagonal<TSink>(Span<double> diagonal, Span<double> offDiagonal, int size, ref TSink sink)
        where TSink : struct, IRotationSink, allows ref struct
    {
        double norm = 0;
        for (var i = 0; i < size; i++)
        {
            norm = Math.Max(norm, Math.Abs(diagonal[i]) + Math.Abs(offDiagonal[i]) + (i > 0 ? Math.Abs(offDiagonal[i - 1]) : 0));
        }

        var negligible = 2.220446049250313e-16 * norm;
        for (var l = 0; l < size; l++)
        {
            var iterations = 0;
            int m;
            do
            {
                for (m = l; m < size - 1; m++)
                {
                    if (Math.Abs(offDiagonal[m]) <= negligible)
                    {
                        break;
                    }
                }

                if (m == l)
                {
                    break;
                }

                if (++iterations > MaxIterationsPerEigenvalue)
                {
                    throw new ArithmeticException($"The QL iteration did not converge for eigenvalue {l} of {size}.");
                }

                // Shift from the leading 2×2 block, then chase the bulge from m back up to l.
                var g = (diagonal[l + 1] - diagonal[l]) / (2 * offDiagonal[l]);
                var r = Hypotenuse(g, 1);
                g = diagonal[m] - diagonal[l] + offDiagonal[l] / (g + (g >= 0 ? Math.Abs(r) : -Math.Abs(r)));
                double sine = 1, cosine = 1, p = 0;
                var underflow = false;
                for (var i = m - 1; i >= l; i--)
                {
                    var f = sine * offDiagonal[i];
                    var b = cosine * offDiagonal[i];
                    r = Hypotenuse(f, g);
                    offDiagonal[i + 1] = r;
                    if (r == 0)
                    {
                        diagonal[i + 1] -= p;
                        offDiagonal[m] = 0;
                        underflow = true;
                        break;
                    }

                    sine = f / r;
                    cosine = g / r;
                    g = diagonal[i + 1] - p;
                    r = (diagonal[i] - g) * sine + 2 * cosine * b;
                    p = sine * r;
                    diagonal[i + 1] = g + p;
                    g = cosine * r - b;
                    sink.Rotate(i, cosine, sine);
                }

                if (underflow)
                {
                    continue;
                }

                diagonal[l] -= p;
                offDiagonal[l] = g;
                offDiagonal[m] = 0;
            }
            while (m != l);
        }
    }

    /// <summary>Rotates rows i and i+1 of Uᵀ (one eigenvector per row) as the QL iteration goes.</summary>
    private readonly ref struct RowRotations(Span<double> rows, int size) : IRotationSink
    {
        private readonly Span<double> rows = rows;

        public void Rotate(int index, double cosine, double sine) =>
            RotateRows(rows.Slice(index * size, size), rows.Slice((index + 1) * size, size), cosine, sine);
    }

    /// <summary>(row, next) ← (c·row − s·next, s·row + c·next).</summary>
    private static void RotateRows(Span<double> row, Span<double> next, double cosine, double sine)
    {
        var vectorRow = MemoryMarshal.Cast<double, Vector<double>>(row);
        var vectorNext = MemoryMarshal.Cast<double, Vector<double>>(next);
        var c = new Vector<double>(cosine);
        var s = new Vector<double>(sine);
        for (var j = 0; j < vectorRow.Length; j++)
        {
            var x = vectorRow[j];
            var y = vectorNext[j];
            vectorRow[j] = c * x - s * y;
            vectorNext[j] = s * x + c * y;
        }

        for (var j = vectorRow.Length * Vector<double>.Count; j < row.Length; j++)
        {
            var x = row[j];
            var y = next[j];
            row[j] = cosine * x - sine * y;
            next[j] = sine * x + cosine * y;
        }
    }

    private static double Hypotenuse(double a, double b)
    {
        var x = Math.Abs(a);
        var y = Math.Abs(b);
        if (x > y)
        {
            var t = y / x;
            return x * Math.Sqrt(1 + t * t);
        }

        if (y == 0)
        {
            return 0;
        }

        var u = x / y;
        return y * Math.Sqrt(1 + u * u);
    }
}
