using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>
/// The step loop must not allocate: runs that differ only in their step count allocate the same bytes. The one
/// step-count-dependent allocation is the copy of the log-spaced loss curve (24 bytes a point, 1.25× apart, so
/// 50 → 1000 steps adds about 13 points ≈ 300 bytes); 2 KB leaves room for that and nothing per step
/// (950 extra steps allocating even 3 bytes each would exceed it).
/// </summary>
public sealed class AllocationTests
{
    private const long AllowedDifferenceBytes = 2048;

    [Theory]
    [InlineData("""{"data":"teacher","inputDim":6,"teachers":2,"width":40,"weightDecay":0.001,"lossTolerance":0}""", KernelPath.Vector512)]
    [InlineData("""{"data":"teacher","inputDim":6,"teachers":2,"width":40,"weightDecay":0.001,"lossTolerance":0}""", KernelPath.Reference)]
    [InlineData("""{"data":"luo1d","width":64,"antisymmetric":true,"preset":"mean-field","lossTolerance":0}""", KernelPath.Vector256)]
    [InlineData("""{"data":"teacher","inputDim":5,"teachers":2,"width":17,"alphaG":0.5,"stepRule":"fixed","learningRate":0.01,"lossTolerance":0}""", KernelPath.Scalar)]
    public void Step_loop_allocates_nothing_per_step(string json, KernelPath path)
    {
        var builder = RunSpecJson.ToBuilder(System.Text.Json.JsonDocument.Parse(json).RootElement);
        var shortSpec = new RunSpecBuilder(builder).Set("maxSteps", 50).Build();
        var longSpec = new RunSpecBuilder(builder).Set("maxSteps", 1000).Build();

        // Warm up JIT, tiering and statics on this thread first, with both lengths. Then take the least of three
        // measurements of each: the runtime occasionally allocates a few KB on this thread for its own reasons (tier-up,
        // statics), which only ever adds, while an allocation in the step loop would show in every repeat.
        MeasureRun(shortSpec, path);
        MeasureRun(longSpec, path);
        var (shortBytes, shortResult) = Enumerable.Range(0, 3).Select(_ => MeasureRun(shortSpec, path)).MinBy(measured => measured.Bytes);
        var (longBytes, longResult) = Enumerable.Range(0, 3).Select(_ => MeasureRun(longSpec, path)).MinBy(measured => measured.Bytes);

        Assert.Equal(50, shortResult.Steps);
        Assert.Equal(1000, longResult.Steps);
        Assert.True(
            Math.Abs(longBytes - shortBytes) <= AllowedDifferenceBytes,
            FormattableString.Invariant($"50 steps allocated {shortBytes} bytes, 1000 steps {longBytes} bytes"));
    }

    private static (long Bytes, RunResult Result) MeasureRun(RunSpec spec, KernelPath path)
    {
        var session = new TrainingSession(spec, KernelFactory.Create(path));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = session.Run();
        var after = GC.GetAllocatedBytesForCurrentThread();
        return (after - before, result);
    }
}
