using System.Runtime.Intrinsics;

namespace NtkSweep.Training.Kernels;

/// <summary>
/// Every kernel path there is, which of them this CPU runs at speed, and the one to use by default. Numerics take
/// the path as an argument; only a host's edge (the CLI) reads a choice from the environment.
/// </summary>
public static class KernelFactory
{
    /// <summary>Every path, the readable reference first. Tests enumerate this list.</summary>
    public static IReadOnlyList<KernelPath> Paths { get; } = [KernelPath.Reference, KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512];

    /// <summary>The optimized paths, each tested against <see cref="KernelPath.Reference"/>.</summary>
    public static IReadOnlyList<KernelPath> OptimizedPaths { get; } = [.. Paths.Where(path => path != KernelPath.Reference)];

    /// <summary>
    /// The paths this CPU accelerates. The others still run, exactly (Vector512 is emulated lane by lane where the CPU
    /// has no AVX-512), only slowly.
    /// </summary>
    public static IReadOnlyList<KernelPath> Accelerated { get; } = [.. Paths.Where(IsAccelerated)];

    /// <summary>The fastest path this CPU accelerates.</summary>
    public static KernelPath Best =>
        Vector512.IsHardwareAccelerated ? KernelPath.Vector512
        : Vector256.IsHardwareAccelerated ? KernelPath.Vector256
        : KernelPath.Scalar;

    public static bool IsAccelerated(KernelPath path) => path switch
    {
        KernelPath.Vector512 => Vector512.IsHardwareAccelerated,
        KernelPath.Vector256 => Vector256.IsHardwareAccelerated,
        _ => true,
    };

    public static ITwoLayerKernel Create(KernelPath path) => path switch
    {
        KernelPath.Reference => new ReferenceTwoLayerKernel(),
        KernelPath.Scalar => new BlockedKernel<LaneScalar, float>(path),
        KernelPath.Vector256 => new BlockedKernel<Lane256, Vector256<float>>(path),
        KernelPath.Vector512 => new BlockedKernel<Lane512, Vector512<float>>(path),
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    /// <summary>reference, scalar, vector256 or vector512 (any case); numbers are not names.</summary>
    public static bool TryParse(string name, out KernelPath path)
    {
        path = default;
        return !int.TryParse(name, out _) && Enum.TryParse(name, ignoreCase: true, out path) && Enum.IsDefined(path);
    }

    public static string ToName(KernelPath path) => path.ToString().ToLowerInvariant();

    /// <summary>The names <see cref="TryParse"/> accepts, for messages.</summary>
    public static string Names => string.Join(", ", Paths.Select(ToName));
}
