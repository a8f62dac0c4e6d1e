using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NtkSweep.Training.Linear;

/// <summary>
/// Reductions whose summation order is fixed, whatever vector width the CPU has: TensorPrimitives sums in
/// the order of the widest accelerated vector, so its dot product differs in the last bits between an AVX2 and an
/// AVX-512 machine, and a run's result must not depend on which machine ran it. Four lanes, two accumulators, the
/// lanes added pairwise at the end; Vector256 is emulated exactly where it is not accelerated.
/// </summary>
public static class FixedOrder
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("The vectors differ in length.");
        }

        var vectorsX = MemoryMarshal.Cast<double, Vector256<double>>(x);
        var vectorsY = MemoryMarshal.Cast<double, Vector256<double>>(y);
        var first = Vector256<double>.Zero;
        var second = Vector256<double>.Zero;
        var j = 0;
        for (; j + 1 < vectorsX.Length; j += 2)
        {
            first += vectorsX[j] * vectorsY[j];
            second += vectorsX[j + 1] * vectorsY[j + 1];
        }

        if (j < vectorsX.Length)
        {
            first += vectorsX[j] * vectorsY[j];
        }

        var lanes = first + second;
        var sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        for (var i = vectorsX.Length * Vector256<double>.Count; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    public static double SumOfSquares(ReadOnlySpan<double> x) => Dot(x, x);

    /// <summary>The float32 dot product in the same fixed order (eight lanes, two accumulators).</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("The vectors differ in length.");
        }

        var vectorsX = MemoryMarshal.Cast<float, Vector256<float>>(x);
        var vectorsY = MemoryMarshal.Cast<float, Vector256<float>>(y);
        var first = Vector256<float>.Zero;
        var second = Vector256<float>.Zero;
        var j = 0;
        for (; j + 1 < vectorsX.Length; j += 2)
        {
            first += vectorsX[j] * vectorsY[j];
            second += vectorsX[j + 1] * vectorsY[j + 1];
        }

        if (j < vectorsX.Length)
        {
            first += vectorsX[j] * vectorsY[j];
        }

        var sum = SumLanes(first + second);
        for (var i = vectorsX.Length * Vector256<float>.Count; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>‖x‖₂ of float32 values, summed in the fixed order.</summary>
    public static float Norm(ReadOnlySpan<float> x) => MathF.Sqrt(Dot(x, x));

    /// <summary>The eight lanes added pairwise: ((0+1)+(2+3))+((4+5)+(6+7)).</summary>
    public static float SumLanes(Vector256<float> lanes) =>
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}
