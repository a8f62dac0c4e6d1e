using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtkSweep.Cli.Hosting;
using NtkSweep.Grains;
using NtkSweep.Hosting;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Kernels;
using Orleans;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep run FILE`: the laptop story. Hosts one Orleans silo in this process (loopback only, no server), the same
/// grains as a cluster, results in the directory store and grain state in STORE/grains. Runs the store already holds
/// are skipped; after Ctrl-C or kill -9 the same command resumes, in-flight runs from their last checkpoint.
/// </summary>
internal static class RunCommand
{
    public const string DefaultStore = "store";

    public static Command Create()
    {
        var command = new Command("run", "Run a sweep locally on an in-process silo (no server) and write its phase report.");
        var file = new Argument<FileInfo>("file") { Description = "The sweep file (YAML)." };
        var workers = new Option<int?>("--workers") { Description = "Training slots: runs at once (default: one per core)." };
        var store = new Option<DirectoryInfo>("--store") { Description = $"Result store directory (default: ./{DefaultStore})." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Run again the runs that failed before." };
        var report = new Option<DirectoryInfo>("--report") { Description = "Where to write the report (default: STORE/report)." };
        var kernel = new Option<string>("--kernel") { Description = "Kernel path for every run: " + KernelChoice.OptionDescription };
        var engine = new EngineCommandOptions();
        command.Arguments.Add(file);
        command.Options.Add(workers);
        command.Options.Add(store);
        command.Options.Add(retryFailed);
        command.Options.Add(report);
        command.Options.Add(kernel);
        engine.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var sweep = SweepFileParser.Load(parseResult.GetValue(file)!.FullName);
            var slots = parseResult.GetValue(workers) ?? Environment.ProcessorCount;
            if (slots < 1)
            {
                throw new UsageException("--workers: must be at least 1");
            }

            var path = KernelChoice.FromOptionOrEnvironment(parseResult.GetValue(kernel));
            var storeDirectory = CommandPaths.Directory(parseResult.GetValue(store)?.FullName ?? Path.GetFullPath(DefaultStore), "--store");
            var reportDirectory = CommandPaths.Directory(parseResult.GetValue(report)?.FullName ?? Path.Combine(storeDirectory, "report"), "--report", create: false);
            var settings = engine.Read(parseResult);
            var source = await File.ReadAllTextAsync(sweep.SourcePath, cancellationToken).ConfigureAwait(false);
            using var storeLock = StoreLock.Acquire(storeDirectory);
            return await RunAsync(sweep, source, storeDirectory, reportDirectory, parseResult.GetValue(retryFailed), options =>
            {
                settings(options);
                options.Slots = slots;
                options.Kernel = path ?? options.Kernel;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(SweepDefinition sweep, string source, string storeDirectory, string reportDirectory, bool retryFailed, Action<EngineOptions> engine, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var logging = new CliLogging(Path.Combine(storeDirectory, "logs"), consoleWarningsOnly: SweepProgressDisplay.CanRenderLive);
        var logger = logging.CreateLogger("ntksweep.run");
        var store = new DirectoryResultStore(storeDirectory, logger);
        var builder = CommandHost.CreateBuilder(logging);
        builder.AddNtkSweepLocalSilo(store, engine);
        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISweepGrain>(sweep.Name);
        SweepStatus status;
        try
        {
            status = await grain.Submit(new SweepSubmission(sweep.Name, source, sweep.SourcePath, retryFailed)).ConfigureAwait(false);
            logger.LogInformation(
                "Sweep {Sweep}: {Total} runs, {Reused} already in {Store}, {Pending} to run on {Slots} slots",
                sweep.Name,
                status.Counts.Total,
                status.Reused,
                store.Location,
                status.Counts.Pending + status.Counts.Running,
                host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EngineOptions>>().Value.Slots);
            status = await new SweepProgressDisplay(logger).FollowAsync(grain.GetStatus, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping the silo stops the slots: every running run checkpoints into STORE/grains first.
            await CommandHost.StopAsync(host).ConfigureAwait(false);
            logger.LogWarning("Stopped after {Seconds:0.0} s. Run the same command again to finish the sweep (running runs resume from their checkpoints).", clock.Elapsed.TotalSeconds);
            return 130;
        }

        // The grain expanded the grid already; the report takes its keys rather than expanding it again.
        var keys = await grain.GetRunKeys().ConfigureAwait(false);
        await CommandHost.StopAsync(host).ConfigureAwait(false);
        SweepReport.Write(sweep, SweepReport.PlannedRuns(sweep, keys, store), reportDirectory);
        logger.LogInformation("Report written to {Report}", Path.Combine(reportDirectory, "report.html"));
        await Console.Out.WriteLineAsync(SweepProgressDisplay.Summary(status, clock.Elapsed)).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"report: {Path.Combine(reportDirectory, "report.html")}").ConfigureAwait(false);
        return status.Counts.Failed > 0 ? 1 : 0;
    }
}
