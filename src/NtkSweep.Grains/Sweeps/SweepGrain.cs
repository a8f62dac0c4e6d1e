using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using Orleans.Runtime;

namespace NtkSweep.Grains.Sweeps;

/// <summary>
/// The coordinator grain of one sweep (keyed by its name). This file: lifecycle, submit, cancel and status;
/// SweepGrain.Dispatch.cs: handing out runs, outcomes, and re-driving the runs of dead silos.
/// </summary>
public sealed partial class SweepGrain(
    [PersistentState("sweep", StorageNames.Grains)] IPersistentState<SweepGrainState> state,
    IResultStore store,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<EngineOptions> options,
    ILogger<SweepGrain> logger) : Grain, ISweepGrain, IRemindable
{
    private const string KeepAliveReminder = "keep-alive";

    private readonly Dictionary<string, SweepPlanEntry> plan = new(StringComparer.Ordinal);
    private readonly PendingQueue pending = new();
    private readonly Dictionary<string, DateTime> runningSince = new(StringComparer.Ordinal);

    /// <summary>Per slot ("silo#slot"), the runs of its last batch: what it must report on its next call.</summary>
    private readonly Dictionary<string, List<string>> handed = new(StringComparer.Ordinal);
    private readonly Stopwatch session = Stopwatch.StartNew();
    private IReadOnlyList<SweepPlanEntry> grid = [];
    private IGrainTimer? timer;
    private double totalCost;
    private double finishedCost;
    private double costFinishedThisSession;
    private int runsFinishedThisSession;
    private double measuredSeconds;
    private double measuredCost;
    private bool dirty;
    private long lastWrite;
    private bool registeredActive;
    private bool superseded;

    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.SourceText is not null)
        {
            Load(SweepFileParser.Parse(state.State.SourceText, state.State.FileName ?? Name));
            if (state.State.Deleting)
            {
                // A delete was cut short: finish it rather than resume the sweep.
                await CompleteDeletionAsync();
                return;
            }

            await ReconcileWithStoreAsync(onlyRunning: false);
            await ExtendRefinementAsync();
            await AfterChangeAsync(writeNow: false);
        }
    }

    /// <summary>
    /// A graceful deactivation (its silo leaving) writes what the last second changed, e.g. runs just interrupted.
    /// Best effort: should a new activation have written first, the ETag check refuses this write and that one wins.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (dirty && !superseded && state.State.SourceText is not null)
        {
            try
            {
                await WriteStateAsync();
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // A newer activation's state stands (an ETag conflict, logged where it was found), or storage is gone
                // as the silo leaves: the next activation re-reads the store, so at most the last second is re-counted.
                if (error is not Orleans.Storage.InconsistentStateException)
                {
                    LogDeactivationWriteFailed(error, Name);
                }
            }
        }
    }

    public async Task<SweepStatus> Submit(SweepSubmission submission)
    {
        if (state.State.Deleting)
        {
            throw new InvalidOperationException($"sweep '{Name}' is being deleted; submit it again once `ntksweep delete {Name}` has finished");
        }

        var definition = SweepFileParser.Parse(submission.SourceText, submission.FileName);
        if (!string.Equals(definition.Name, Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the sweep file is named '{definition.Name}', not '{Name}'");
        }

        var first = state.State.SourceText is null;
        if (!string.Equals(state.State.SourceText, submission.SourceText, StringComparison.Ordinal))
        {
            if (!first)
            {
                LogReplaced(Name);
            }

            state.State.SourceText = submission.SourceText;
            state.State.FileName = submission.FileName;
            Load(definition);
        }

        if (first)
        {
            state.State.SubmittedUtc = DateTime.UtcNow;
        }

        state.State.Cancelled = false;
        var retried = submission.RetryFailed ? await RetryFailedAsync() : 0;
        await ReconcileWithStoreAsync(onlyRunning: false);
        await ExtendRefinementAsync();
        var reused = state.State.Reused = state.State.Runs.Values.Count(record => record.State is RunState.Done or RunState.Diverged or RunState.Failed);

        var manifest = new SweepManifest(Name, submission.SourceText, grid.Select(entry => entry.Key).ToArray());
        await Task.Run(() => store.SaveSweepManifest(manifest));
        LogSubmitted(Name, grid.Count, reused, retried);
        await AfterChangeAsync(writeNow: true);
        return BuildStatus();
    }

    public async Task<SweepStatus> Cancel()
    {
        if (state.State.SourceText is null)
        {
            return BuildStatus();
        }

        state.State.Cancelled = true;
        foreach (var key in RunningKeys())
        {
            // Fire and forget: a run stops at its next step check and reports Interrupted through its slot.
            _ = GrainFactory.GetGrain<IRunGrain>(key).Stop();
        }

        LogCancelled(Name, runningSince.Count);
        await AfterChangeAsync(writeNow: true);
        return BuildStatus();
    }

    public Task<SweepStatus> GetStatus() => Task.FromResult(BuildStatus());

    public Task<IReadOnlyList<string>> GetRunKeys() => Task.FromResult<IReadOnlyList<string>>(grid.Select(entry => entry.Key).ToArray());

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        // The reminder only brings the grain back after its silo died; activation re-drives everything.
        Task.CompletedTask;

    /// <summary>Builds the in-memory plan from a definition, keeping the records of runs that stay in the grid.</summary>
    private void Load(SweepDefinition definition)
    {
        grid = SweepPlanEntry.Expand(definition);
        plan.Clear();
        pending.Clear();
        runningSince.Clear();
        handed.Clear();
        totalCost = 0;
        var records = new Dictionary<string, SweepRunRecord>(StringComparer.Ordinal);
        var now = DateTime.UtcNow;
        foreach (var entry in grid)
        {
            plan[entry.Key] = entry;
            totalCost += entry.Cost;
            var record = state.State.Runs.GetValueOrDefault(entry.Key) ?? new SweepRunRecord();
            records[entry.Key] = record;
            if (record.State == RunState.Pending)
            {
                pending.Add(entry);
            }
            else if (record.State == RunState.Running)
            {
                runningSince[entry.Key] = now;
                if (record is { Silo: { } holder, Slot: { } slot })
                {
                    var key = Holder(holder, slot);
                    if (!handed.TryGetValue(key, out var keys))
                    {
                        handed[key] = keys = [];
                    }

                    keys.Add(entry.Key);
                }
            }
        }

        state.State.Runs = records;
        finishedCost = grid.Where(entry => records[entry.Key].State is RunState.Done or RunState.Diverged or RunState.Failed).Sum(entry => entry.Cost);
        LoadRefinement(definition);
    }

    /// <summary>Every failed run becomes pending again, its stored failure forgotten.</summary>
    private async Task<int> RetryFailedAsync()
    {
        var failed = state.State.Runs.Where(pair => pair.Value.State == RunState.Failed).Select(pair => pair.Key).ToArray();
        await Task.Run(() =>
        {
            foreach (var key in failed)
            {
                store.ForgetFailure(key);
            }
        });
        foreach (var key in failed)
        {
            var record = state.State.Runs[key];
            record.State = RunState.Pending;
            record.Attempts = 0;
            record.Error = null;
            finishedCost -= plan[key].Cost;
            pending.Add(plan[key]);
        }

        return failed.Length;
    }

    /// <summary>
    /// Brings the records in line with the result store, the one authority on finished runs: runs it holds (stored by
    /// any sweep, or by this one before a crash) become finished, and with <paramref name="onlyRunning"/> false, runs
    /// recorded as finished whose record is gone or unreadable become pending again.
    /// </summary>
    private async Task ReconcileWithStoreAsync(bool onlyRunning)
    {
        await ReconcileWithStoreAsync([.. state.State.Runs.Where(pair => !onlyRunning || pair.Value.State == RunState.Running).Select(pair => pair.Key)]);
    }

    /// <summary>The same for the given runs only (a refinement's new cells).</summary>
    private async Task ReconcileWithStoreAsync(IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var stored = (await Task.Run(() => store.GetMany(keys))).ToDictionary(run => run.Key, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var record = state.State.Runs[key];
            var run = stored.GetValueOrDefault(key);
            if (run is { IsFinished: true })
            {
                if (record.State is not (RunState.Done or RunState.Diverged))
                {
                    Finish(key, run.State, error: null, seconds: 0, countInSession: false);
                }
            }
            else if (run is { State: RunState.Failed } && record.State == RunState.Pending)
            {
                // Failed under another sweep (or an earlier submit): kept failed until --retry-failed.
                Finish(key, RunState.Failed, run.Error, seconds: 0, countInSession: false);
            }
            else if (run is null && record.State is (RunState.Done or RunState.Diverged))
            {
                record.State = RunState.Pending;
                record.Attempts = 0;
                finishedCost -= plan[key].Cost;
                pending.Add(plan[key]);
                dirty = true;
            }
        }
    }

    private IEnumerable<string> RunningKeys() => state.State.Runs.Where(pair => pair.Value.State == RunState.Running).Select(pair => pair.Key).ToArray();

    private SweepStatus BuildStatus()
    {
        if (state.State.SourceText is null)
        {
            return new SweepStatus(Name, new RunCounts(0, 0, 0, 0, 0), 0, 0, 0, null, false, [], [], 0, Exists: false, silo.SiloAddress.ToParsableString());
        }

        int pendingCount = 0, running = 0, done = 0, diverged = 0, failed = 0;
        var failures = new List<RunFailure>();
        var runningRuns = new List<RunningRun>();
        foreach (var entry in grid)
        {
            var record = state.State.Runs[entry.Key];
            switch (record.State)
            {
                case RunState.Pending:
                    pendingCount++;
                    break;
                case RunState.Running:
                    running++;
                    if (runningRuns.Count < 32)
                    {
                        runningRuns.Add(new RunningRun(entry.Key, record.Silo ?? "?", runningSince.GetValueOrDefault(entry.Key, DateTime.UtcNow), entry.Label));
                    }

                    break;
                case RunState.Done:
                    done++;
                    break;
                case RunState.Diverged:
                    diverged++;
                    break;
                default:
                    failed++;
                    if (failures.Count < 100)
                    {
                        failures.Add(new RunFailure(entry.Key, record.Error ?? "failed", record.Attempts));
                    }

                    break;
            }
        }

        var seconds = session.Elapsed.TotalSeconds;
        var remaining = Math.Max(0, totalCost - finishedCost);
        return new SweepStatus(
            Name,
            new RunCounts(pendingCount, running, done, diverged, failed),
            state.State.Reused,
            totalCost > 0 ? Math.Clamp(finishedCost / totalCost, 0, 1) : 1,
            seconds > 0 ? runsFinishedThisSession / seconds : 0,
            state.State.Cancelled ? null : SweepEta.Seconds(remaining, costFinishedThisSession, seconds),
            state.State.Cancelled,
            failures,
            runningRuns.OrderBy(run => run.StartedUtc).ToArray(),
            (DateTime.UtcNow - state.State.SubmittedUtc).TotalSeconds,
            Exists: true,
            silo.SiloAddress.ToParsableString(),
            Refining: refinementDue || extendingRefinement,
            Refines: refinement is not null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: its last changes were not written as it deactivated")]
    private partial void LogDeactivationWriteFailed(Exception exception, string sweep);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: {Runs} runs, {Reused} already stored, {Retried} failed runs retried")]
    private partial void LogSubmitted(string sweep, int runs, int reused, int retried);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep} was submitted with a changed file; its grid is replaced (stored runs are kept)")]
    private partial void LogReplaced(string sweep);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} cancelled; stopping {Running} running runs")]
    private partial void LogCancelled(string sweep, int running);
}
