using BenchmarkDotNet.Attributes;
using NtkSweep.Training.Kernels;

namespace NtkSweep.Benchmarks;

/// <summary>One training step at n = 1024, d = 32 for the widths of the speed targets, reference against optimized.</summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private StepWorkload workload = null!;

    [Params(64, 256, 1024, 4096)]
    public int Width { get; set; }

    [Params(KernelPath.Reference, KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512)]
    public KernelPath Path { get; set; }

    [GlobalSetup]
    public void Setup() => workload = new StepWorkload(Path, 1024, 32, Width);

    [Benchmark]
    public void TrainingStep() => workload.Step();
}
