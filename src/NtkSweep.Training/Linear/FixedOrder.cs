using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NtkSweep.Training.Linear;

/// <summary>
/// Reductions whose summation order is fixed, whatever vector width the CPU has: TensorPrimitives sums in the order of
/// the widest accelerated vector, so its dot product differs in the last bits between an AVX2 and an AVX-512 machine,
/// and a run's result must not depend on which machine ran it. 256-bit vectors, two accumulators, the lanes added
/// pairwise at the end; Vector256 is emulated exactly where it is not accelerated.
/// </summary>
public static class FixedOrder
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => Dot<double>(x, y);

    public static double SumOfSquares(ReadOnlySpan<double> x) => Dot(x, x);

    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Dot<float>(x, y);

    /// <summary>‖x‖₂ of float32 values, summed in the fixed order.</summary>
    public static float Norm(ReadOnlySpan<float> x) => MathF.Sqrt(Dot(x, x));

    /// <summary>The lanes added pairwise: ((0+1)+(2+3)) for doubles, ((0+1)+(2+3))+((4+5)+(6+7)) for floats.</summary>
    public static T SumLanes<T>(Vector256<T> lanes)
        where T : unmanaged, INumber<T>
    {
        // Written out per width (the branch is resolved when the method is compiled for T): this sits in NtkGram's inner loop.
        if (Vector256<T>.Count == 4)
        {
            return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        }

        return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    }

    private static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, INumber<T>
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("The vectors differ in length.");
        }

        var vectorsX = MemoryMarshal.Cast<T, Vector256<T>>(x);
        var vectorsY = MemoryMarshal.Cast<T, Vector256<T>>(y);
        var first = Vector256<T>.Zero;
        var second = Vector256<T>.Zero;
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
        for (var i = vectorsX.Length * Vector256<T>.Count; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }
}
