using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NtkSweep.Training.Kernels;

/// <summary>
/// The few vector operations the blocked kernels use. Implemented by value types so that the JIT specializes each
/// kernel per lane type and inlines every call: one kernel source serves Vector512, Vector256 and plain floats.
/// </summary>
internal interface ILane<TVector>
    where TVector : struct
{
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(ref float source, nint offset);

    static abstract void Store(TVector value, ref float destination, nint offset);

    /// <summary>left·right + addend, fused where the lane's hardware does it.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    static abstract TVector Multiply(TVector left, TVector right);

    static abstract TVector Relu(TVector value);

    /// <summary>Bit l set where lane l of value is &gt; 0 (false for NaN).</summary>
    static abstract uint PositiveBits(TVector value);

    /// <summary>
    /// Lane l of source where bit l + vector·Count of bits is set, else 0 (vector 0 or 1: the two vectors of a tile):
    /// the reference's "skip the term" for a ReLU that is off (a select, not a product with 0 or 1, so that a term is
    /// dropped exactly).
    /// </summary>
    static abstract TVector SelectBits(uint bits, int vector, TVector source);

    static abstract float Sum(TVector value);
}

internal readonly struct Lane512 : ILane<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nint offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // vmaxps(0, x) returns x when x is NaN, so a NaN pre-activation stays NaN; a pre-activation is never −0 (its
    // sum starts at +0), so the IEEE max's extra fix-up of signed zeros (a vfixupimmps per vector) buys nothing here.
    public static Vector512<float> Relu(Vector512<float> value) => Vector512.MaxNative(Vector512<float>.Zero, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PositiveBits(Vector512<float> value) =>
        (uint)Vector512.ExtractMostSignificantBits(Vector512.GreaterThan(value, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SelectBits(uint bits, int vector, Vector512<float> source)
    {
        var laneBits = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768) << (16 * vector);
        var selected = Vector512.Equals(Vector512.Create((int)bits) & laneBits, laneBits);
        return Vector512.ConditionalSelect(selected.AsSingle(), source, Vector512<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);
}

internal readonly struct Lane256 : ILane<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nint offset) => Vector256.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // As for Lane512: NaN stays NaN with this operand order.
    public static Vector256<float> Relu(Vector256<float> value) => Vector256.MaxNative(Vector256<float>.Zero, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PositiveBits(Vector256<float> value) =>
        Vector256.ExtractMostSignificantBits(Vector256.GreaterThan(value, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SelectBits(uint bits, int vector, Vector256<float> source)
    {
        var laneBits = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128) << (8 * vector);
        var selected = Vector256.Equals(Vector256.Create((int)bits) & laneBits, laneBits);
        return selected.AsSingle() & source;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);
}

/// <summary>One float per "vector": the blocked algorithm without SIMD, the fallback for any CPU.</summary>
internal readonly struct LaneScalar : ILane<float>
{
    public static int Count => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float left, float right, float addend) => MathF.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float value) => MathF.Max(value, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint PositiveBits(float value) => value > 0f ? 1u : 0u;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectBits(uint bits, int vector, float source) => ((bits >> vector) & 1) != 0 ? source : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;
}
