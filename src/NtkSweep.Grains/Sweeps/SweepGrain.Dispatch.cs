using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NtkSweep.Sweeps.Runs;
using Orleans.Runtime;

namespace NtkSweep.Grains.Sweeps;

/// <summary>Handing out runs, applying outcomes, re-driving orphans, and keeping the state and registry in step.</summary>
public sealed partial class SweepGrain
{
    /// <summary>A batch never holds more runs than this, however tiny they are.</summary>
    private const int MaxBatch = 64;

    /// <summary>A silo unknown to membership for this long (it never joined this cluster, e.g. before a restart) is dead.</summary>
    private static readonly TimeSpan UnknownSiloGrace = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan StateWriteInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan StoreCheckInterval = TimeSpan.FromSeconds(30);

    private long lastStoreCheck = Stopwatch.GetTimestamp();

    public async Task<IReadOnlyList<RunOrder>> Take(TakeRequest request)
    {
        foreach (var outcome in request.Finished)
        {
            await ApplyAsync(outcome, fromOrder: true);
        }

        ReclaimLostOrders(request);

        // Cells these outcomes completed may refine the grid: hand out the new runs in this very call.
        await ExtendRefinementAsync();

        var orders = new List<RunOrder>();
        if (state.State.SourceText is not null && !state.State.Cancelled && request.BudgetSeconds > 0)
        {
            var secondsPerCost = measuredCost > 0 ? measuredSeconds / measuredCost : double.NaN;
            var batchSeconds = 0.0;
            var keys = new List<string>();
            while (orders.Count < MaxBatch && pending.TryTake(out var key))
            {
                var entry = plan[key];
                var record = state.State.Runs[key];
                record.State = RunState.Running;
                record.Attempts++;
                record.Silo = request.Silo;
                record.Slot = request.Slot;
                record.Started = true;
                runningSince[key] = DateTime.UtcNow;
                keys.Add(key);
                orders.Add(new RunOrder(key, entry.SpecJson, Name, record.Attempts));
                dirty = true;

                // Without a measured speed yet, one run per call; then fill the slot's budget.
                batchSeconds += entry.Cost * secondsPerCost;
                if (!(batchSeconds < request.BudgetSeconds))
                {
                    break;
                }
            }

            if (keys.Count > 0)
            {
                handed[Holder(request.Silo, request.Slot)] = keys;
            }
        }

        await AfterChangeAsync(writeNow: false);
        return orders;
    }

    /// <summary>
    /// The slot calling holds nothing of this sweep beyond what it reports, so runs handed to it before and neither
    /// reported nor finished never reached it: the reply was lost (typically when this grain's silo left mid-call).
    /// They go back to the queue at once, not counted as attempts, instead of waiting on a silo that is alive.
    /// </summary>
    private void ReclaimLostOrders(TakeRequest request)
    {
        if (!handed.Remove(Holder(request.Silo, request.Slot), out var keys))
        {
            return;
        }

        foreach (var key in keys)
        {
            if (state.State.Runs.TryGetValue(key, out var record) && record.State == RunState.Running
                && record.Slot == request.Slot && string.Equals(record.Silo, request.Silo, StringComparison.Ordinal))
            {
                LogLostOrder(Name, key, request.Silo, request.Slot);
                record.Attempts = Math.Max(0, record.Attempts - 1);
                Requeue(key);
            }
        }
    }

    private static string Holder(string silo, int slot) => silo + "#" + slot.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task Report(RunOutcome outcome)
    {
        await ApplyAsync(outcome, fromOrder: false);
        await AfterChangeAsync(writeNow: false);
    }

    private async Task ApplyAsync(RunOutcome outcome, bool fromOrder)
    {
        if (!state.State.Runs.TryGetValue(outcome.Key, out var record) || record.State != RunState.Running)
        {
            // Already final (a duplicate report), or no longer in this grid.
            return;
        }

        switch (outcome.Kind)
        {
            case RunOutcomeKind.Done:
                Finish(outcome.Key, RunState.Done, null, outcome.Seconds, countInSession: true);
                break;
            case RunOutcomeKind.Diverged:
                Finish(outcome.Key, RunState.Diverged, null, outcome.Seconds, countInSession: true);
                break;
            case RunOutcomeKind.Busy:
                // Trained under another sweep's order: not an attempt of ours; that run grain reports here when done.
                record.Attempts = Math.Max(0, record.Attempts - 1);
                record.Silo = outcome.Silo;
                record.Slot = null;
                dirty = true;
                break;
            case RunOutcomeKind.Interrupted:
                record.Attempts = Math.Max(0, record.Attempts - (fromOrder ? 1 : 0));
                Requeue(outcome.Key);
                break;
            default:
                await FailAttemptAsync(outcome.Key, outcome.Error ?? "failed");
                break;
        }
    }

    private async Task FailAttemptAsync(string key, string error)
    {
        var record = state.State.Runs[key];
        record.Error = error;
        if (record.Attempts < options.Value.MaxAttempts)
        {
            LogRetrying(Name, key, record.Attempts, error);
            Requeue(key);
            return;
        }

        var message = record.Attempts > 1 ? $"gave up after {record.Attempts} attempts: {error}" : error;
        var spec = NtkSweep.Training.Specs.RunSpecJson.Parse(plan[key].SpecJson);
        await Task.Run(() => store.PutFailure(key, spec, message));
        Finish(key, RunState.Failed, message, seconds: 0, countInSession: true);
        LogPoison(Name, key, record.Attempts, message);
    }

    private void Requeue(string key)
    {
        var record = state.State.Runs[key];
        record.State = RunState.Pending;
        record.Silo = null;
        record.Slot = null;
        runningSince.Remove(key);
        pending.Add(plan[key]);
        dirty = true;
    }

    private void Finish(string key, RunState final, string? error, double seconds, bool countInSession)
    {
        var record = state.State.Runs[key];
        var cost = plan[key].Cost;
        if (record.State == RunState.Pending)
        {
            pending.Remove(plan[key]);
        }
        else if (record.State is RunState.Done or RunState.Diverged or RunState.Failed)
        {
            // A failure that another sweep's order has since trained: counted once.
            finishedCost -= cost;
        }

        record.State = final;
        record.Error = error;
        record.Silo = null;
        record.Slot = null;
        runningSince.Remove(key);
        finishedCost += cost;
        NoteFinished(key);
        if (countInSession)
        {
            costFinishedThisSession += cost;
            runsFinishedThisSession++;
        }

        if (seconds > 0)
        {
            measuredSeconds += seconds;
            measuredCost += cost;
        }

        dirty = true;
    }

    /// <summary>
    /// After every change: tell the registry whether the sweep has work, keep the reminder and the orphan timer while
    /// it is unfinished, and write the state (at once when asked or when the sweep just ended, else at most once a second).
    /// </summary>
    private async Task AfterChangeAsync(bool writeNow)
    {
        await ExtendRefinementAsync();
        var status = BuildStatus();
        var hasWork = status.Exists && !status.Finished;
        // Listed while anything is pending or running, so that idle slots keep calling: when this grain's silo dies,
        // their next call re-activates it on a survivor within a poll, long before the reminder would.
        var offersWork = hasWork && !state.State.Cancelled;
        if (offersWork != registeredActive)
        {
            await GrainFactory.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.ClusterKey).SetActive(Name, offersWork);
            registeredActive = offersWork;
        }

        if (hasWork && timer is null)
        {
            var period = TimeSpan.FromSeconds(options.Value.OrphanCheckSeconds);
            timer = this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
            await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        else if (!hasWork && timer is not null)
        {
            await StopKeepingAliveAsync();
            writeNow = true;
            LogEnded(Name, status.Counts.Done, status.Counts.Diverged, status.Counts.Failed);
        }

        if (dirty && (writeNow || Stopwatch.GetElapsedTime(lastWrite) >= StateWriteInterval))
        {
            await WriteStateAsync();
        }
    }

    /// <summary>
    /// Writes the state, ETag-checked. A conflict means another activation of this sweep wrote since this one read (a
    /// window while a silo leaves): this one steps aside, and the next call activates afresh from storage and the
    /// result store; the failed call's outcomes stay with its slot, which sends them again.
    /// </summary>
    private async Task WriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            LogSuperseded(Name);
            superseded = true;
            DeactivateOnIdle();
            throw;
        }

        dirty = false;
        lastWrite = Stopwatch.GetTimestamp();
    }

    /// <summary>Ends the orphan timer and the keep-alive reminder: the sweep has nothing left to watch over.</summary>
    private async Task StopKeepingAliveAsync()
    {
        timer?.Dispose();
        timer = null;
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        await RedriveOrphansAsync();
        if (Stopwatch.GetElapsedTime(lastStoreCheck) >= StoreCheckInterval)
        {
            // A run that another sweep's order trained reports here; should that notice be lost, the store still knows.
            lastStoreCheck = Stopwatch.GetTimestamp();
            await ReconcileWithStoreAsync(onlyRunning: true);
        }

        await AfterChangeAsync(writeNow: false);
    }

    /// <summary>Runs handed to a silo that membership declared dead (or never knew) go back to the queue.</summary>
    private async Task RedriveOrphansAsync()
    {
        var snapshot = membership.CurrentSnapshot;
        var now = DateTime.UtcNow;
        foreach (var (key, record) in state.State.Runs.Where(pair => pair.Value.State == RunState.Running).ToArray())
        {
            var status = record.Silo is null ? SiloStatus.None : snapshot.GetSiloStatus(SiloAddress.FromParsableString(record.Silo));
            var dead = status == SiloStatus.Dead
                || (status == SiloStatus.None && now - runningSince.GetValueOrDefault(key, now) > UnknownSiloGrace);
            if (!dead)
            {
                continue;
            }

            LogOrphan(Name, key, record.Silo ?? "?");
            await FailAttemptAsync(key, $"its silo ({record.Silo}) died during the attempt");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: another activation wrote its state; this one deactivates")]
    private partial void LogSuperseded(string sweep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: the order of run {RunId} never reached slot {Slot} of silo {Silo}; it goes back to the queue")]
    private partial void LogLostOrder(string sweep, string runId, string silo, int slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: run {RunId} was on silo {Silo}, which is gone; re-driving it")]
    private partial void LogOrphan(string sweep, string runId, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: run {RunId} attempt {Attempt} failed ({Error}); it goes back to the queue")]
    private partial void LogRetrying(string sweep, string runId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweep {Sweep}: run {RunId} failed for good after {Attempts} attempts: {Error}")]
    private partial void LogPoison(string sweep, string runId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} ended: {Done} done, {Diverged} diverged, {Failed} failed")]
    private partial void LogEnded(string sweep, int done, int diverged, int failed);
}
