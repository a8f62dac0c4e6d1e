using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NtkSweep.Grains;
using NtkSweep.Sweeps.Runs;
using Spectre.Console;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// Follows a sweep's status until it is finished: a live table when attached to a terminal, a progress line every few
/// seconds otherwise. Counts, throughput and ETA come from the sweep grain (<see cref="SweepStatus"/>), so the laptop
/// and `status` on a cluster show the same numbers.
/// </summary>
internal sealed class SweepProgressDisplay(ILogger logger)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);

    public static bool CanRenderLive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public async Task<SweepStatus> FollowAsync(Func<Task<SweepStatus>> read, CancellationToken cancellationToken)
    {
        var status = await read().ConfigureAwait(false);
        if (CanRenderLive)
        {
            await AnsiConsole.Live(BuildTable(status)).AutoClear(false).StartAsync(async context =>
            {
                while (!status.Finished)
                {
                    await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
                    status = await read().ConfigureAwait(false);
                    context.UpdateTarget(BuildTable(status));
                }
            }).ConfigureAwait(false);
            return status;
        }

        var sinceLog = Stopwatch.StartNew();
        while (!status.Finished)
        {
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            status = await read().ConfigureAwait(false);
            if (sinceLog.Elapsed >= LogEvery && !status.Finished)
            {
                sinceLog.Restart();
                logger.LogInformation(
                    "{Sweep}: {Finished}/{Total} runs finished ({Percent:0}% of the cost), {Running} running, {Failed} failed; {Rate:0.0} runs/min, ETA {Eta}",
                    status.Name,
                    status.Counts.Finished,
                    status.Counts.Total,
                    status.CostFraction * 100,
                    status.Counts.Running,
                    status.Counts.Failed,
                    status.RunsPerSecond * 60,
                    SweepEta.Format(status.EtaSeconds, status.Refines));
            }
        }

        return status;
    }

    /// <summary>The one-line summary printed when a sweep ends or stops.</summary>
    public static string Summary(SweepStatus status, TimeSpan elapsed) => string.Create(
        CultureInfo.InvariantCulture,
        $"{status.Name}: {status.Counts.Total} runs: {status.Counts.Done} done, {status.Counts.Diverged} diverged, {status.Counts.Failed} failed, {status.Counts.Pending + status.Counts.Running} not run ({status.Reused} reused from the store) in {elapsed.TotalSeconds:0.0} s");

    private static Rows BuildTable(SweepStatus status)
    {
        var counts = status.Counts;
        var summary = new Table().Border(TableBorder.Rounded).Title($"[bold]NtkSweep {Markup.Escape(status.Name)}[/]");
        foreach (var column in new[] { "done", "diverged", "failed", "running", "pending", "total", "cost done", "runs/min", "ETA" })
        {
            summary.AddColumn(new TableColumn(column).RightAligned());
        }

        summary.AddRow(
            counts.Done.ToString(CultureInfo.InvariantCulture),
            counts.Diverged.ToString(CultureInfo.InvariantCulture),
            counts.Failed > 0 ? $"[red]{counts.Failed}[/]" : "0",
            counts.Running.ToString(CultureInfo.InvariantCulture),
            counts.Pending.ToString(CultureInfo.InvariantCulture),
            counts.Total.ToString(CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{status.CostFraction:P0}"),
            string.Create(CultureInfo.InvariantCulture, $"{status.RunsPerSecond * 60:0.0}"),
            SweepEta.Format(status.EtaSeconds, status.Refines));

        var current = new Table().Border(TableBorder.Simple).AddColumn("running").AddColumn("run").AddColumn(new TableColumn("for").RightAligned());
        foreach (var run in status.Running.Take(8))
        {
            current.AddRow(
                new Markup($"[grey]{run.Key[..8]}[/]"),
                new Markup(Markup.Escape(run.Label)),
                new Markup(string.Create(CultureInfo.InvariantCulture, $"{(DateTime.UtcNow - run.StartedUtc).TotalSeconds:0}s")));
        }

        return new Rows(summary, current);
    }
}
