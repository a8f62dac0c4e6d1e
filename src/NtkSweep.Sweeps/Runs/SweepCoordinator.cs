using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Runs;

/// <summary>A run of a sweep as the coordinator tracks it.</summary>
public sealed record RunEntry(string Key, RunSpec Spec, double Cost, RunState State, string? Error);

/// <summary>Counts by state and the estimated cost still to run, for progress displays and ETAs.</summary>
public sealed record SweepProgress(int Total, int Pending, int Running, int Done, int Diverged, int Failed, double TotalCost, double RemainingCost, int Reused)
{
    public int Finished => Done + Diverged + Failed;

    public bool IsComplete => Pending == 0 && Running == 0;
}

/// <summary>
/// Expands a sweep into runs and hands each run to exactly one worker at a time. Runs are keyed by content, so a run
/// that any sweep already stored is not run again; the most expensive runs start first so that the last minutes of
/// a sweep are not spent waiting on one long run. Thread-safe; used in-process by the local runner and as the
/// planning half of the distributed mode.
/// </summary>
public sealed class SweepCoordinator
{
    private readonly object gate = new();
    private readonly IResultStore store;
    private readonly Dictionary<string, MutableEntry> entries = new(StringComparer.Ordinal);
    private readonly List<MutableEntry> queue;
    private int nextInQueue;
    private readonly int reused;

    public SweepCoordinator(IReadOnlyList<SweepPoint> points, IResultStore store, bool retryFailed)
    {
        this.store = store;
        foreach (var point in points)
        {
            if (entries.ContainsKey(point.Key))
            {
                continue;
            }

            var entry = new MutableEntry(point.Key, point.Spec, RunCost.EstimateFlops(point.Spec));
            var stored = store.TryGet(point.Key);
            if (stored is not null && (stored.IsFinished || !retryFailed))
            {
                entry.State = stored.State;
                entry.Error = stored.Error;
                reused++;
            }
            else if (stored is { State: RunState.Failed })
            {
                store.ForgetFailure(point.Key);
            }

            entries.Add(point.Key, entry);
        }

        queue = entries.Values
            .Where(entry => entry.State == RunState.Pending)
            .OrderByDescending(entry => entry.Cost)
            .ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<RunEntry> Runs
    {
        get
        {
            lock (gate)
            {
                return entries.Values.Select(entry => entry.Snapshot()).ToArray();
            }
        }
    }

    /// <summary>Takes the next pending run (most expensive first) and marks it running; false when none is left.</summary>
    public bool TryTake(out RunEntry run)
    {
        lock (gate)
        {
            while (nextInQueue < queue.Count)
            {
                var entry = queue[nextInQueue++];
                if (entry.State == RunState.Pending)
                {
                    entry.State = RunState.Running;
                    run = entry.Snapshot();
                    return true;
                }
            }

            run = null!;
            return false;
        }
    }

    /// <summary>Stores a finished run's result (done or diverged).</summary>
    public void Complete(string key, RunResult result)
    {
        store.PutResult(key, result);
        lock (gate)
        {
            entries[key].State = result.Status == RunStatus.Diverged ? RunState.Diverged : RunState.Done;
        }
    }

    /// <summary>Records that a run threw; it is not retried in this sweep unless asked (--retry-failed).</summary>
    public void Fail(string key, string error)
    {
        var entry = entries[key];
        store.PutFailure(key, entry.Spec, error);
        lock (gate)
        {
            entry.State = RunState.Failed;
            entry.Error = error;
        }
    }

    /// <summary>Puts an interrupted run back in the queue (nothing was stored for it).</summary>
    public void Release(string key)
    {
        lock (gate)
        {
            var entry = entries[key];
            if (entry.State != RunState.Running)
            {
                return;
            }

            entry.State = RunState.Pending;
            queue.Insert(nextInQueue, entry);
        }
    }

    public SweepProgress Progress()
    {
        lock (gate)
        {
            int pending = 0, running = 0, done = 0, diverged = 0, failed = 0;
            double total = 0, remaining = 0;
            foreach (var entry in entries.Values)
            {
                total += entry.Cost;
                switch (entry.State)
                {
                    case RunState.Pending:
                        pending++;
                        remaining += entry.Cost;
                        break;
                    case RunState.Running:
                        running++;
                        remaining += entry.Cost;
                        break;
                    case RunState.Done:
                        done++;
                        break;
                    case RunState.Diverged:
                        diverged++;
                        break;
                    default:
                        failed++;
                        break;
                }
            }

            return new SweepProgress(entries.Count, pending, running, done, diverged, failed, total, remaining, reused);
        }
    }

    private sealed class MutableEntry(string key, RunSpec spec, double cost)
    {
        public string Key { get; } = key;

        public RunSpec Spec { get; } = spec;

        public double Cost { get; } = cost;

        public RunState State { get; set; } = RunState.Pending;

        public string? Error { get; set; }

        public RunEntry Snapshot() => new(Key, Spec, Cost, State, Error);
    }
}
