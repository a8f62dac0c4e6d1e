using System.CommandLine;
using Microsoft.Extensions.Logging;
using NtkSweep.Cli.Hosting;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Runs;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep run FILE`: the laptop story. Runs a sweep in this process on N workers against a directory store,
/// skipping runs the store already holds, and writes the phase report when it ends. Ctrl-C stops cleanly: finished
/// runs are kept, interrupted ones are redone by the next invocation.
/// </summary>
internal static class RunCommand
{
    public const string DefaultStore = "store";

    public static Command Create()
    {
        var command = new Command("run", "Run a sweep locally (no server) and write its phase report.");
        var file = new Argument<FileInfo>("file") { Description = "The sweep file (YAML)." };
        var workers = new Option<int?>("--workers") { Description = "Parallel runs (default: one per core)." };
        var store = new Option<DirectoryInfo>("--store") { Description = $"Result store directory (default: ./{DefaultStore})." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Run again the runs that failed before." };
        var report = new Option<DirectoryInfo>("--report") { Description = "Where to write the report (default: STORE/report)." };
        var kernel = new Option<string>("--kernel") { Description = "Kernel path for every run (default: NTKSWEEP_KERNEL or auto)." };
        command.Arguments.Add(file);
        command.Options.Add(workers);
        command.Options.Add(store);
        command.Options.Add(retryFailed);
        command.Options.Add(report);
        command.Options.Add(kernel);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var sweep = SweepFileParser.Load(parseResult.GetValue(file)!.FullName);
            var workerCount = parseResult.GetValue(workers) ?? Environment.ProcessorCount;
            if (workerCount < 1)
            {
                throw new UsageException("--workers: must be at least 1");
            }

            var path = TrainCommand.ParseKernel(parseResult.GetValue(kernel));
            var storeDirectory = parseResult.GetValue(store)?.FullName ?? Path.GetFullPath(DefaultStore);
            var reportDirectory = parseResult.GetValue(report)?.FullName ?? Path.Combine(storeDirectory, "report");
            return await RunAsync(sweep, workerCount, storeDirectory, parseResult.GetValue(retryFailed), reportDirectory, path, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(SweepDefinition sweep, int workers, string storeDirectory, bool retryFailed, string reportDirectory, Training.Kernels.KernelPath? path, CancellationToken cancellationToken)
    {
        var live = SweepProgressDisplay.CanRenderLive;
        using var logging = new CliLogging(Path.Combine(storeDirectory, "logs"), consoleWarningsOnly: live);
        var logger = logging.CreateLogger("ntksweep.run");
        var store = new DirectoryResultStore(storeDirectory, logger);
        var points = sweep.Expand();
        store.SaveSweepManifest(new SweepManifest(sweep.Name, File.ReadAllText(sweep.SourcePath), points.Select(point => point.Key).ToArray()));

        var coordinator = new SweepCoordinator(points, store, retryFailed);
        var start = coordinator.Progress();
        logger.LogInformation(
            "Sweep {Sweep}: {Total} runs, {Reused} already in {Store}, {Pending} to run on {Workers} workers",
            sweep.Name,
            start.Total,
            start.Reused,
            store.Location,
            start.Pending,
            workers);

        var display = new SweepProgressDisplay(coordinator, logger);
        var runner = new LocalSweepRunner(coordinator, (spec, token) => Trainer.Run(spec, path, token), display, logger);
        var work = runner.RunAsync(workers, cancellationToken);
        try
        {
            if (live)
            {
                await display.ShowLiveAsync(work).ConfigureAwait(false);
            }

            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopped: {Summary}. Run the same command again to finish the sweep.", display.Summary());
            return 130;
        }

        logger.LogInformation("Sweep {Sweep} finished: {Summary}", sweep.Name, display.Summary());
        var keys = points.Select(point => point.Key).ToHashSet(StringComparer.Ordinal);
        var runs = store.ReadAll().Where(run => keys.Contains(run.Key)).ToArray();
        ReportCommand.Write(sweep.Name, sweep.Description, runs, ReportCommand.OptionsFrom(sweep.Report), reportDirectory);
        logger.LogInformation("Report written to {Report}", Path.Combine(reportDirectory, "report.html"));
        Console.Out.WriteLine($"report: {Path.Combine(reportDirectory, "report.html")}");
        return coordinator.Progress().Failed > 0 ? 1 : 0;
    }
}
