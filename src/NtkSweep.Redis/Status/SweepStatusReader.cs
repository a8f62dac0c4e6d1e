using System.Globalization;
using NtkSweep.Redis.Queue;
using NtkSweep.Sweeps.Runs;
using StackExchange.Redis;

namespace NtkSweep.Redis.Status;

/// <summary>A failed run and its last error.</summary>
public sealed record RunFailure(string Key, string Error);

/// <summary>Where one sweep stands: per-state counts, recent throughput, ETA, failures.</summary>
public sealed record SweepStatus(
    string Name,
    int Total,
    int Pending,
    int Running,
    int Done,
    int Diverged,
    int Failed,
    double RunsPerMinute,
    double? EtaSeconds,
    IReadOnlyList<RunFailure> Failures)
{
    public bool Finished => Pending == 0 && Running == 0;
}

/// <summary>Reads sweep progress and membership from Redis for `status` and the coordinator.</summary>
public sealed class SweepStatusReader
{
    /// <summary>The window over which throughput (commits per minute) is measured.</summary>
    public static readonly TimeSpan ThroughputWindow = TimeSpan.FromMinutes(5);

    private readonly IDatabase database;
    private readonly RedisKeys keys;
    private readonly RedisResultStore store;

    public SweepStatusReader(IDatabase database, RedisKeys keys, RedisResultStore store)
    {
        this.database = database;
        this.keys = keys;
        this.store = store;
    }

    public IReadOnlyList<string> SweepNames() =>
        database.SetMembers(keys.Sweeps).Select(value => (string)value!).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The sweep's status, or null when no sweep of that name was submitted.</summary>
    public SweepStatus? Read(string sweep)
    {
        var manifest = store.ReadSweepManifest(sweep);
        if (manifest is null)
        {
            return null;
        }

        int pending = 0, running = 0, done = 0, diverged = 0, failed = 0;
        var failures = new List<RunFailure>();
        var runKeys = manifest.Keys;
        var states = FetchStates(runKeys);
        var missing = new List<string>();
        for (var index = 0; index < runKeys.Count; index++)
        {
            var (state, error) = states[index];
            switch (state)
            {
                case "running":
                    running++;
                    break;
                case "done":
                    done++;
                    break;
                case "diverged":
                    diverged++;
                    break;
                case "failed":
                    failed++;
                    failures.Add(new RunFailure(runKeys[index], error ?? string.Empty));
                    break;
                case "pending":
                    pending++;
                    break;
                default:
                    missing.Add(runKeys[index]);
                    break;
            }
        }

        // Runs without a queue entry were stored before (e.g. by `run --store` imported, or the hash expired): count
        // them by their stored record, and as pending when there is none.
        var stored = store.GetMany(missing);
        foreach (var run in stored)
        {
            switch (run.State)
            {
                case RunState.Done:
                    done++;
                    break;
                case RunState.Diverged:
                    diverged++;
                    break;
                default:
                    failed++;
                    failures.Add(new RunFailure(run.Key, run.Error ?? string.Empty));
                    break;
            }
        }

        pending += missing.Count - stored.Count;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var recent = database.SortedSetRangeByScore(keys.Commits, now - ThroughputWindow.TotalMilliseconds, now).Select(value => (string)value!);
        var keySet = runKeys.ToHashSet(StringComparer.Ordinal);
        var recentCount = recent.Count(keySet.Contains);
        var perMinute = recentCount / ThroughputWindow.TotalMinutes;
        var remaining = pending + running;
        double? eta = remaining == 0 ? 0 : perMinute > 0 ? remaining / perMinute * 60 : null;
        return new SweepStatus(manifest.Name, runKeys.Count, pending, running, done, diverged, failed, perMinute, eta, failures);
    }

    /// <summary>Per-run counters for tests and diagnostics: claims (executions started) and commits.</summary>
    public (int Claims, int Commits, int Attempts) Counters(string runKey)
    {
        var values = database.HashGet(keys.Run(runKey), ["claims", "commits", "attempts"]);
        return (ToInt(values[0]), ToInt(values[1]), ToInt(values[2]));
    }

    public static string FormatEta(double? seconds) => seconds switch
    {
        null => "unknown",
        < 60 => ((double)seconds).ToString("0", CultureInfo.InvariantCulture) + " s",
        < 3600 => (seconds.Value / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min",
        _ => (seconds.Value / 3600).ToString("0.#", CultureInfo.InvariantCulture) + " h",
    };

    private (string? State, string? Error)[] FetchStates(IReadOnlyList<string> runKeys)
    {
        var batch = database.CreateBatch();
        var replies = runKeys.Select(key => batch.HashGetAsync(keys.Run(key), ["state", "error"])).ToArray();
        batch.Execute();
        return replies.Select(reply =>
        {
            var values = reply.GetAwaiter().GetResult();
            return ((string?)values[0], (string?)values[1]);
        }).ToArray();
    }

    private static int ToInt(RedisValue value) => value.IsNull ? 0 : (int)value;
}
