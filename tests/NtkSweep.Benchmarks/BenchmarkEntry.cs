using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using NtkSweep.Training.Kernels;

namespace NtkSweep.Benchmarks;

/// <summary>
/// `dotnet run -c Release --project tests/NtkSweep.Benchmarks -- [steps|speed|bdn] ...`.
/// `steps` (the default) times the step directly and prints one table (and with --json one JSON line per row),
/// fast enough to run beside the PyTorch comparison; `speed` puts the FMA peak, the kernel step and the training loop
/// of a real run side by side; `bdn` runs the BenchmarkDotNet suite with its allocation column.
/// </summary>
internal static class BenchmarkEntry
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "bdn")
        {
            var config = DefaultConfig.Instance
                .AddJob(Job.ShortRun.WithWarmupCount(2).WithIterationCount(5))
                .AddColumn(new StepsPerSecondColumn(), new GflopsColumn());
            BenchmarkRunner.Run<StepBenchmarks>(config, args[1..]);
            return 0;
        }

        if (args.Length > 1 && args[0] == "eigen")
        {
            return EigenParts.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        if (args.Length > 0 && args[0] == "speed")
        {
            var stepsIndex = Array.IndexOf(args, "--steps");
            var steps = stepsIndex > 0 && stepsIndex + 1 < args.Length ? int.Parse(args[stepsIndex + 1], CultureInfo.InvariantCulture) : 1000;
            var rest = stepsIndex > 0 ? [.. args[1..stepsIndex], .. args[Math.Min(args.Length, stepsIndex + 2)..]] : args[1..];
            return RunSpeed.Run(StepsOptions.Parse(rest), steps);
        }

        var options = StepsOptions.Parse(args.Length > 0 && args[0] == "steps" ? args[1..] : args);
        Console.WriteLine($"# machine: {MachineFacts.Describe()}");
        Console.WriteLine($"# n = {options.Samples}, d = {options.InputDim}, one thread, {options.Seconds:0.#} s per row, timing: {options.Part}; GFLOP/s counts 4·n·d·m per step");
        Console.WriteLine("| path | width | steps/s | GFLOP/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var path in options.Paths)
        {
            foreach (var width in options.Widths)
            {
                var workload = new StepWorkload(path, options.Samples, options.InputDim, width);
                Action operation = options.Part switch
                {
                    "forward" => workload.Forward,
                    "forward-pattern" => workload.ForwardPattern,
                    "backward" => workload.Backward,
                    _ => workload.Step,
                };
                var stepsPerSecond = Measure(operation, path == KernelPath.Reference ? Math.Min(options.Seconds, 1) : options.Seconds);
                var gflops = stepsPerSecond * workload.FlopsPerStep / 1e9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {KernelFactory.ToName(path)} | {width} | {stepsPerSecond:0.0} | {gflops:0.0} |"));
                if (options.Json)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"path\":\"{KernelFactory.ToName(path)}\",\"width\":{width},\"samples\":{options.Samples},\"inputDim\":{options.InputDim},\"stepsPerSecond\":{stepsPerSecond:R},\"gflops\":{gflops:R}}}"));
                }
            }
        }

        return 0;
    }

    /// <summary>Warm up, then time whole batches of steps until the time budget is spent; the best batch rate counts.</summary>
    internal static double Measure(Action step, double seconds)
    {
        step();
        var clock = Stopwatch.StartNew();
        var batch = 1;
        while (clock.Elapsed.TotalSeconds < 0.2)
        {
            for (var i = 0; i < batch; i++)
            {
                step();
            }

            batch *= 2;
        }

        batch = Math.Max(1, (int)(batch / 2 / (clock.Elapsed.TotalSeconds / 0.2) / 4));
        var best = 0.0;
        clock.Restart();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++)
            {
                step();
            }

            best = Math.Max(best, batch / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return best;
    }
}

internal sealed record StepsOptions(int Samples, int InputDim, int[] Widths, KernelPath[] Paths, double Seconds, bool Json, string Part = "step")
{
    public static StepsOptions Parse(string[] args)
    {
        var options = new StepsOptions(1024, 32, [64, 256, 1024, 4096], [KernelFactory.Best], 2, false);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--samples" => options with { Samples = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--input-dim" => options with { InputDim = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--widths" => options with { Widths = Next().Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray() },
                "--paths" => options with { Paths = Next().Split(',').Select(p => KernelFactory.TryParse(p, out var path) ? path : throw new ArgumentException($"unknown path {p}")).ToArray() },
                "--seconds" => options with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--json" => options with { Json = true },
                "--part" => options with { Part = Next() },
                var other => throw new ArgumentException($"unknown option {other}"),
            };
        }

        return options;
    }
}

internal static class MachineFacts
{
    public static string Describe()
    {
        var model = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? model;
        }

        return $"{model}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}, best path {KernelFactory.ToName(KernelFactory.Best)}";
    }
}

internal sealed class StepsPerSecondColumn : IColumn
{
    public string Id => "StepsPerSecond";

    public string ColumnName => "steps/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Training steps per second (1 / mean).";

    public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics is { } stats ? (1e9 / stats.Mean).ToString("0.0", CultureInfo.InvariantCulture) : "-";

    public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(BenchmarkDotNet.Reports.Summary summary) => true;
}

internal sealed class GflopsColumn : IColumn
{
    public string Id => "Gflops";

    public string ColumnName => "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "4·n·d·m flops per step / mean step time.";

    public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats)
        {
            return "-";
        }

        var width = (int)benchmarkCase.Parameters["Width"];
        return (4.0 * 1024 * 32 * width / stats.Mean).ToString("0.0", CultureInfo.InvariantCulture);
    }

    public string GetValue(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase, BenchmarkDotNet.Reports.SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(BenchmarkDotNet.Reports.Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(BenchmarkDotNet.Reports.Summary summary) => true;
}
