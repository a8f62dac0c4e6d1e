using System.Diagnostics;
using System.Globalization;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Linear;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Benchmarks;

/// <summary>
/// `speed`: the side-by-side figures of issue 11 on this machine, one thread: the FMA peak, the kernel-only step and
/// the training loop of a real run (teacher data, n samples, d inputs, fixed step, every metric on) at each width,
/// with what the run's setup and end-of-run metrics cost. The training loop is timed after one warm-up run, as a
/// silo sees it after its first run; a cold first run in a fresh process is also printed.
/// </summary>
internal static class RunSpeed
{
    public static int Run(StepsOptions options, int steps)
    {
        var path = options.Paths[0];
        // The yardstick of a path is the peak of its own vector width: vector256 on an AVX-512 machine stands in for AVX2.
        var wide = path == KernelPath.Vector512;
        var peak = FmaPeak.MeasureGflops(Math.Min(1, options.Seconds), wide);
        Console.WriteLine($"# machine: {MachineFacts.Describe()}");
        Console.WriteLine(Invariant($"# single-core FMA peak (12 chains of {(wide && System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")} FMAs): {peak:0.0} GFLOP/s"));
        Console.WriteLine(Invariant($"# n = {options.Samples}, d = {options.InputDim}, path {KernelFactory.ToName(path)}, one thread; GFLOP/s counts 4·n·d·m per step; runs: {steps} steps, fixed lr 0.01, 256 test samples"));
        Console.WriteLine("| width | kernel step GFLOP/s | of peak | training loop GFLOP/s | of peak | loop steps/s | first run cold steps/s | setup + end-of-run metrics s | eigendecomposition s |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var cold = true;
        foreach (var width in options.Widths)
        {
            var workload = new StepWorkload(path, options.Samples, options.InputDim, width);
            var kernelRate = BenchmarkEntry.Measure(workload.Step, options.Seconds);
            var spec = Spec(options, width, steps);
            var first = Trainer.Run(spec, path);
            var coldRate = cold ? first.StepsPerSecond : double.NaN;
            cold = false;
            var best = Trainer.Run(spec, path);
            for (var repeat = 0; repeat < 2; repeat++)
            {
                var again = Trainer.Run(spec, path);
                best = again.StepsPerSecond > best.StepsPerSecond ? again : best;
            }

            var eigenSeconds = EigendecompositionSeconds(options.Samples);
            var flops = workload.FlopsPerStep;
            var kernelGflops = kernelRate * flops / 1e9;
            var loopGflops = best.StepsPerSecond * flops / 1e9;
            Console.WriteLine(Invariant($"| {width} | {kernelGflops:0.0} | {kernelGflops / peak:P0} | {loopGflops:0.0} | {loopGflops / peak:P0} | {best.StepsPerSecond:0} | {(double.IsNaN(coldRate) ? "" : coldRate.ToString("0", CultureInfo.InvariantCulture))} | {best.MetricSeconds:0.000} | {eigenSeconds:0.000} |"));
            if (options.Json)
            {
                Console.Error.WriteLine(Invariant($"{{\"width\":{width},\"samples\":{options.Samples},\"inputDim\":{options.InputDim},\"path\":\"{KernelFactory.ToName(path)}\",\"fmaPeakGflops\":{peak:R},\"kernelGflops\":{kernelGflops:R},\"loopGflops\":{loopGflops:R},\"loopStepsPerSecond\":{best.StepsPerSecond:R},\"metricSeconds\":{best.MetricSeconds:R},\"wallSeconds\":{best.WallSeconds:R},\"eigenSeconds\":{eigenSeconds:R}}}"));
            }
        }

        return 0;
    }

    internal static RunSpec Spec(StepsOptions options, int width, int steps) => new RunSpecBuilder()
        .Set("inputDim", options.InputDim)
        .Set("trainSamples", options.Samples)
        .Set("testSamples", 256)
        .Set("width", width)
        .Set("maxSteps", steps)
        .Set("lossTolerance", 0.0)
        .Set("learningRate", 0.01)
        .Build();

    /// <summary>The implicit eigenbasis of an n × n Gram matrix, as every run builds once for its linearized model.</summary>
    private static double EigendecompositionSeconds(int size)
    {
        var matrix = EigenParts.GramMatrix(size);
        var start = Stopwatch.GetTimestamp();
        _ = SpectralBasis.Decompose<float>(matrix, size);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
