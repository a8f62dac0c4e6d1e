using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Metrics;

/// <summary>
/// The closed forms the two-layer ReLU net's kernels converge to as m → ∞ (Cho and Saul's arc-cosine kernels), in
/// float64, for inputs x̃ as the net sees them (the bias channel included when the spec has one):
/// A(u, v) = |u||v|(sin θ + (π − θ)cos θ)/(2π) = E_w[σ(w·u)σ(w·v)], B(u, v) = (u·v)(π − θ)/(2π), w ~ N(0, I);
/// NNGP K = (m β1²β2²/α²)·A, the covariance of f₀; NTK Θ = (m/α²)(β2²A + β1²B), the expected empirical NTK.
/// </summary>
/// <remarks>
/// Geiger's output scale does not enter: the trained function F = α_G(f − f₀) with loss α_G⁻²ℓ sees the kernel
/// α_G²Θ through a loss scaled by α_G⁻², and the step sizes account for both (see <see cref="Linear.KernelTrajectory"/>).
/// </remarks>
public static class InfiniteWidthKernel
{
    /// <summary>Θ(a_i, b_j) for rows of two input sets ([count, stride], the first <paramref name="channels"/> used).</summary>
    public static void Ntk(ReadOnlySpan<float> inputsA, int countA, ReadOnlySpan<float> inputsB, int countB, int channels, int stride, ResolvedParametrization scales, int width, Span<double> kernel) // [countA, countB]
    {
        var factor = width / (scales.Alpha * scales.Alpha);
        var outputPart = scales.Beta2 * scales.Beta2;
        var inputPart = scales.Beta1 * scales.Beta1;
        for (var i = 0; i < countA; i++)
        {
            var u = inputsA.Slice(i * stride, channels);
            for (var j = 0; j < countB; j++)
            {
                var (a, b) = ArcCosine(u, inputsB.Slice(j * stride, channels));
                kernel[i * countB + j] = factor * (outputPart * a + inputPart * b);
            }
        }
    }

    /// <summary>K(a_i, b_j) = (m β1²β2²/α²)·A, the covariance of the network's output at initialization.</summary>
    public static void Nngp(ReadOnlySpan<float> inputsA, int countA, ReadOnlySpan<float> inputsB, int countB, int channels, int stride, ResolvedParametrization scales, int width, Span<double> kernel) // [countA, countB]
    {
        var factor = width * scales.Beta1 * scales.Beta1 * scales.Beta2 * scales.Beta2 / (scales.Alpha * scales.Alpha);
        for (var i = 0; i < countA; i++)
        {
            var u = inputsA.Slice(i * stride, channels);
            for (var j = 0; j < countB; j++)
            {
                kernel[i * countB + j] = factor * ArcCosine(u, inputsB.Slice(j * stride, channels)).A;
            }
        }
    }

    /// <summary>
    /// (A, B) of two inputs. θ = atan2(√max(0, |u|²|v|² − (u·v)²), u·v): stable where acos of a rounded cosine is not
    /// (u ≈ v, where Θ(x, x) must come out exactly as (β1² + β2²)|x|²/2 times m/α²).
    /// </summary>
    public static (double A, double B) ArcCosine(ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        double uu = 0, vv = 0, uv = 0;
        for (var c = 0; c < u.Length; c++)
        {
            uu += (double)u[c] * u[c];
            vv += (double)v[c] * v[c];
            uv += (double)u[c] * v[c];
        }

        var theta = Math.Atan2(Math.Sqrt(Math.Max(0, uu * vv - uv * uv)), uv);
        var a = Math.Sqrt(uu * vv) * (Math.Sin(theta) + (Math.PI - theta) * Math.Cos(theta)) / (2 * Math.PI);
        var b = uv * (Math.PI - theta) / (2 * Math.PI);
        return (a, b);
    }
}
