using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using Spectre.Console;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// Progress of a local sweep: a live table when attached to a terminal, one log line per finished run otherwise.
/// The ETA divides the estimated cost still to run by the cost finished per second in this session, so a sweep
/// whose expensive runs went first does not promise too early an end.
/// </summary>
internal sealed class SweepProgressDisplay : ISweepObserver
{
    private readonly SweepCoordinator coordinator;
    private readonly ILogger logger;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, (RunEntry Run, DateTime Started)> running = new(StringComparer.Ordinal);
    private readonly double initialRemaining;
    private int finishedThisSession;

    public SweepProgressDisplay(SweepCoordinator coordinator, ILogger logger)
    {
        this.coordinator = coordinator;
        this.logger = logger;
        initialRemaining = coordinator.Progress().RemainingCost;
    }

    public static bool CanRenderLive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public void RunStarted(RunEntry run) => running[run.Key] = (run, DateTime.UtcNow);

    public void RunFinished(RunEntry run, RunResult result)
    {
        running.TryRemove(run.Key, out _);
        Interlocked.Increment(ref finishedThisSession);
        var progress = coordinator.Progress();
        logger.LogInformation(
            "[{Finished}/{Total}] run {RunId} {Status} in {Seconds:0.0} s ({Label}, width {Width}): RD_w {RdW:g3}, ΔK {KernelChange:g3}; {Rate} runs/min, ETA {Eta}",
            progress.Finished,
            progress.Total,
            run.Key,
            RunResultJson.StatusName(result.Status),
            result.WallSeconds,
            run.Spec.Parametrization.Label,
            run.Spec.Width,
            result.RdW,
            result.KernelChange,
            RunsPerMinute().ToString("0.0", CultureInfo.InvariantCulture),
            FormatEta(progress));
    }

    public void RunFailed(RunEntry run, string error)
    {
        running.TryRemove(run.Key, out _);
        Interlocked.Increment(ref finishedThisSession);
    }

    /// <summary>Redraws the live table until <paramref name="work"/> completes.</summary>
    public async Task ShowLiveAsync(Task work)
    {
        await AnsiConsole.Live(BuildTable())
            .AutoClear(false)
            .StartAsync(async context =>
            {
                while (!work.IsCompleted)
                {
                    context.UpdateTarget(BuildTable());
                    await Task.WhenAny(work, Task.Delay(500)).ConfigureAwait(false);
                }

                context.UpdateTarget(BuildTable());
            }).ConfigureAwait(false);
    }

    public string Summary()
    {
        var progress = coordinator.Progress();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{progress.Done} done, {progress.Diverged} diverged, {progress.Failed} failed, {progress.Pending + progress.Running} not run, of {progress.Total} ({progress.Reused} reused from the store) in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private Rows BuildTable()
    {
        var progress = coordinator.Progress();
        var summary = new Table().Border(TableBorder.Rounded).Title("[bold]NtkSweep[/]");
        foreach (var column in new[] { "done", "diverged", "failed", "running", "pending", "total", "runs/min", "ETA" })
        {
            summary.AddColumn(new TableColumn(column).RightAligned());
        }

        summary.AddRow(
            progress.Done.ToString(CultureInfo.InvariantCulture),
            progress.Diverged.ToString(CultureInfo.InvariantCulture),
            progress.Failed > 0 ? $"[red]{progress.Failed}[/]" : "0",
            progress.Running.ToString(CultureInfo.InvariantCulture),
            progress.Pending.ToString(CultureInfo.InvariantCulture),
            progress.Total.ToString(CultureInfo.InvariantCulture),
            RunsPerMinute().ToString("0.0", CultureInfo.InvariantCulture),
            FormatEta(progress));

        var current = new Table().Border(TableBorder.Simple).AddColumn("running").AddColumn("run").AddColumn(new TableColumn("for").RightAligned());
        foreach (var (run, started) in running.Values.OrderBy(item => item.Started).Take(8))
        {
            current.AddRow(
                new Markup($"[grey]{run.Key[..8]}[/]"),
                new Markup(Markup.Escape($"{run.Spec.Parametrization.Label}, m={run.Spec.Width}, seed {run.Spec.Seed}")),
                new Markup(string.Create(CultureInfo.InvariantCulture, $"{(DateTime.UtcNow - started).TotalSeconds:0}s")));
        }

        return new Rows(summary, current);
    }

    private double RunsPerMinute()
    {
        var minutes = clock.Elapsed.TotalMinutes;
        return minutes > 0 ? finishedThisSession / minutes : 0;
    }

    private string FormatEta(SweepProgress progress)
    {
        if (progress.RemainingCost <= 0)
        {
            return "0s";
        }

        var doneCost = initialRemaining - progress.RemainingCost;
        var seconds = clock.Elapsed.TotalSeconds;
        if (doneCost <= 0 || seconds <= 0)
        {
            return "—";
        }

        var eta = TimeSpan.FromSeconds(progress.RemainingCost / (doneCost / seconds));
        return eta.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)eta.TotalHours}h{eta.Minutes:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"{eta.Minutes}m{eta.Seconds:00}s");
    }
}
