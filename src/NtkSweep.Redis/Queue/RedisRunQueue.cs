using System.Globalization;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using StackExchange.Redis;

namespace NtkSweep.Redis.Queue;

/// <summary>An entry of a sweep's stream: the run it names.</summary>
public sealed record QueueEntry(string Sweep, string EntryId, string RunKey);

/// <summary>A run this worker owns, with the fencing token every guarded write must present.</summary>
public sealed record ClaimedRun(QueueEntry Entry, string WorkerId, long Fence, int Attempts, string LastError, string SpecJson)
{
    /// <summary>The run's last checkpoint at the time of the claim, or null when it starts from scratch.</summary>
    public byte[]? Checkpoint { get; init; }

    public string Key => Entry.RunKey;
}

public enum ClaimStatus
{
    Claimed,

    /// <summary>The run is already done, diverged or failed (e.g. by another sweep's entry); acknowledge the entry.</summary>
    Finished,

    /// <summary>Another worker's lease is still live; leave the entry alone.</summary>
    Held,

    /// <summary>The stream names a run Redis knows nothing about (its hash was deleted); acknowledge the entry.</summary>
    Missing,
}

public sealed record ClaimOutcome(ClaimStatus Status, ClaimedRun? Run, string Detail);

public enum CommitStatus
{
    Committed,

    /// <summary>Another worker claimed the run after this one lost its lease; nothing was written.</summary>
    Fenced,

    /// <summary>The run was already committed; nothing was written.</summary>
    Duplicate,
}

/// <summary>What submitting a sweep did.</summary>
public sealed record SubmitOutcome(int Runs, int Enqueued, int AlreadyStored, int AlreadyQueued, int FailedBefore);

/// <summary>
/// The sweep queue on Redis: one stream per sweep with the consumer group <see cref="RedisKeys.Group"/>, and the
/// fenced run operations (claim, renew, checkpoint, commit, release) as Lua scripts. Never blocks: workers poll,
/// because a blocking read would stall every other command on the shared multiplexer.
/// </summary>
public sealed class RedisRunQueue
{
    private readonly IDatabase database;
    private readonly RedisKeys keys;
    private readonly Dictionary<string, string> reclaimCursors = new(StringComparer.Ordinal);
    private readonly object cursorGate = new();
    private int nextStream;
    private long lastReclaimScan = long.MinValue / 2;
    private string[] cachedSweeps = [];
    private long sweepsReadAt = long.MinValue / 2;

    public RedisRunQueue(IDatabase database, RedisKeys keys)
    {
        this.database = database;
        this.keys = keys;
    }

    public RedisKeys Keys => keys;

    /// <summary>
    /// Stores the sweep's manifest and enqueues its runs, most expensive first. Idempotent: a run already stored
    /// (by any sweep) or already known to the queue (pending, running, failed) is not enqueued again, except failed
    /// runs when <paramref name="retryFailed"/> is set.
    /// </summary>
    public async Task<SubmitOutcome> SubmitAsync(SweepDefinition sweep, string sourceText, IReadOnlyList<SweepPoint> points, RedisResultStore store, bool retryFailed = false)
    {
        var stream = keys.Stream(sweep.Name);
        EnsureGroup(stream);
        store.SaveSweepManifest(new SweepManifest(sweep.Name, sourceText, points.Select(point => point.Key).ToArray()));
        var ordered = points
            .Select(point => (Point: point, Cost: RunCost.EstimateFlops(point.Spec)))
            .OrderByDescending(item => item.Cost)
            .ThenBy(item => item.Point.Key, StringComparer.Ordinal)
            .Select(item => item.Point)
            .ToArray();

        // Issued back to back on one connection: pipelined, and executed in order, so the stream keeps the cost order.
        // Batches bound the replies held in memory for sweeps of a million runs.
        const int Batch = 5000;
        var outcomes = new List<RedisResult>(ordered.Length);
        for (var start = 0; start < ordered.Length; start += Batch)
        {
            var replies = ordered.Skip(start).Take(Batch)
                .Select(point => database.ScriptEvaluateAsync(
                    RunScripts.Enqueue,
                    [keys.Run(point.Key), keys.Results, stream],
                    [point.Key, point.Spec.ToCanonicalJson(), sweep.Name, retryFailed ? "1" : "0"]))
                .ToArray();
            outcomes.AddRange(await Task.WhenAll(replies).ConfigureAwait(false));
        }

        var enqueued = outcomes.Count(reply => (string?)reply == "enqueued");
        var stored = outcomes.Count(reply => (string?)reply == "stored");
        var failed = outcomes.Count(reply => (string?)reply == "failed");
        return new SubmitOutcome(points.Count, enqueued, stored, points.Count - enqueued - stored - failed, failed);
    }

    /// <summary>
    /// The next entry for this worker: a new one (XREADGROUP without BLOCK), or an entry whose owner stopped renewing
    /// for longer than <paramref name="staleAfter"/> or released it (XAUTOCLAIM). Null when there is none. Called
    /// from one thread per queue (the worker's loop); the other operations are thread-safe.
    /// </summary>
    public QueueEntry? TryTakeEntry(string workerId, TimeSpan staleAfter)
    {
        var sweeps = ActiveSweeps();
        if (sweeps.Length == 0)
        {
            return null;
        }

        // Stale entries age at the pace of leases, so scanning for them on every take would only add a round trip
        // per run; scan at most a few times per lease, and always when there is nothing new to do.
        var scanFirst = Environment.TickCount64 - lastReclaimScan >= (long)Math.Max(250, staleAfter.TotalMilliseconds / 8);
        var first = Interlocked.Increment(ref nextStream);
        for (var pass = 0; pass < 2; pass++)
        {
            var reclaim = scanFirst == (pass == 0);
            if (reclaim)
            {
                lastReclaimScan = Environment.TickCount64;
            }

            for (var offset = 0; offset < sweeps.Length; offset++)
            {
                var sweep = sweeps[(int)((uint)(first + offset) % (uint)sweeps.Length)];
                var entry = reclaim ? TryReclaim(sweep, workerId, staleAfter) : TryReadNew(sweep, workerId);
                if (entry is not null)
                {
                    return entry;
                }
            }
        }

        return null;
    }

    /// <summary>The submitted sweeps, re-read at most once a second (a new sweep waits at most that long).</summary>
    private string[] ActiveSweeps()
    {
        if (Environment.TickCount64 - sweepsReadAt >= 1000 || cachedSweeps.Length == 0)
        {
            cachedSweeps = database.SetMembers(keys.Sweeps).Select(value => (string)value!).Order(StringComparer.Ordinal).ToArray();
            sweepsReadAt = Environment.TickCount64;
        }

        return cachedSweeps;
    }

    public ClaimOutcome Claim(QueueEntry entry, string workerId, TimeSpan lease)
    {
        var reply = (RedisResult[])database.ScriptEvaluate(
            RunScripts.Claim,
            [keys.Run(entry.RunKey), keys.Lease(entry.RunKey), keys.Checkpoint(entry.RunKey)],
            [workerId, (long)lease.TotalMilliseconds])!;
        var status = (string)reply[0]!;
        switch (status)
        {
            case "claimed":
                var run = new ClaimedRun(
                    entry,
                    workerId,
                    long.Parse((string)reply[1]!, CultureInfo.InvariantCulture),
                    int.Parse((string)reply[2]!, CultureInfo.InvariantCulture),
                    (string?)reply[3] ?? string.Empty,
                    (string?)reply[4] ?? string.Empty)
                {
                    Checkpoint = reply.Length > 5 && !reply[5].IsNull ? (byte[]?)reply[5] : null,
                };
                return new ClaimOutcome(ClaimStatus.Claimed, run, string.Empty);
            case "finished":
                return new ClaimOutcome(ClaimStatus.Finished, null, (string?)reply[1] ?? string.Empty);
            case "held":
                return new ClaimOutcome(ClaimStatus.Held, null, (string?)reply[1] ?? string.Empty);
            default:
                return new ClaimOutcome(ClaimStatus.Missing, null, string.Empty);
        }
    }

    /// <summary>Extends the lease and keeps the stream entry fresh; false when the run now belongs to someone else.</summary>
    public bool Renew(ClaimedRun run, TimeSpan lease) =>
        (int)database.ScriptEvaluate(
            RunScripts.Renew,
            [keys.Run(run.Key), keys.Lease(run.Key), keys.Stream(run.Entry.Sweep)],
            [run.WorkerId, run.Fence, (long)lease.TotalMilliseconds, RedisKeys.Group, run.Entry.EntryId]) == 1;

    /// <summary>Saves a checkpoint if this worker still holds the run's fence; false when it was fenced out.</summary>
    public bool SaveCheckpoint(ClaimedRun run, byte[] checkpoint) =>
        (int)database.ScriptEvaluate(
            RunScripts.SaveCheckpoint,
            [keys.Run(run.Key), keys.Checkpoint(run.Key)],
            [run.Fence, checkpoint]) == 1;

    public byte[]? LoadCheckpoint(string runKey) => database.StringGet(keys.Checkpoint(runKey));

    /// <summary>Deletes a checkpoint that cannot continue the run (another kernel path, damaged), so it is not retried.</summary>
    public void DiscardCheckpoint(ClaimedRun run) =>
        database.ScriptEvaluate(
            "if redis.call('HGET', KEYS[1], 'fence') == ARGV[1] then return redis.call('DEL', KEYS[2]) end return 0",
            [keys.Run(run.Key), keys.Checkpoint(run.Key)],
            [run.Fence]);

    /// <summary>Writes the run's record and final state once, guarded by the fence, then acknowledges its entry.</summary>
    public CommitStatus Commit(ClaimedRun run, StoredRun record) =>
        Commit(run, record.State, StoredRunJson.Write(record), record.Error);

    /// <summary>Marks a run failed without a record, for a run whose stored spec is unusable (so no record can name it).</summary>
    public CommitStatus CommitFailureWithoutRecord(ClaimedRun run, string error) => Commit(run, RunState.Failed, string.Empty, error);

    private CommitStatus Commit(ClaimedRun run, RunState state, string record, string? error)
    {
        var reply = (string?)database.ScriptEvaluate(
            RunScripts.Commit,
            [keys.Run(run.Key), keys.Lease(run.Key), keys.Checkpoint(run.Key), keys.Results, keys.Stream(run.Entry.Sweep), keys.Commits],
            [
                run.Fence,
                StoredRunJson.StateName(state),
                record,
                error ?? string.Empty,
                RedisKeys.Group,
                run.Entry.EntryId,
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                run.Key,
            ]);
        return reply switch
        {
            "committed" => CommitStatus.Committed,
            "duplicate" => CommitStatus.Duplicate,
            _ => CommitStatus.Fenced,
        };
    }

    /// <summary>
    /// Gives the run back to the queue, at once claimable by any worker. With an error the attempt counts towards
    /// poisoning; without one (a graceful shutdown) it does not.
    /// </summary>
    public bool Release(ClaimedRun run, string? error) =>
        (int)database.ScriptEvaluate(
            RunScripts.Release,
            [keys.Run(run.Key), keys.Lease(run.Key), keys.Stream(run.Entry.Sweep)],
            [run.WorkerId, run.Fence, RedisKeys.Group, run.Entry.EntryId, error ?? string.Empty, ReleasedIdleMilliseconds]) == 1;

    /// <summary>Acknowledges an entry whose run needs no work (already finished, or unknown).</summary>
    public void Acknowledge(QueueEntry entry) =>
        database.Execute("XACK", (string)keys.Stream(entry.Sweep)!, RedisKeys.Group, entry.EntryId);

    /// <summary>
    /// Removes the consumers of dead workers from the sweeps' groups: those with no pending entries, idle for longer
    /// than <paramref name="idleFor"/>, and not among <paramref name="liveWorkers"/>. Every worker process is a new
    /// consumer, so without this a long-lived deployment accumulates them. Harmless if it errs: a deleted consumer
    /// with nothing pending loses nothing, and XREADGROUP recreates it.
    /// </summary>
    public int PruneConsumers(IReadOnlySet<string> liveWorkers, TimeSpan idleFor)
    {
        var removed = 0;
        foreach (var sweep in database.SetMembers(keys.Sweeps).Select(value => (string)value!))
        {
            var stream = (string)keys.Stream(sweep)!;
            RedisResult reply;
            try
            {
                reply = database.Execute("XINFO", "CONSUMERS", stream, RedisKeys.Group);
            }
            catch (RedisServerException)
            {
                // No stream or no group (yet): nothing to prune.
                continue;
            }

            foreach (var consumer in (RedisResult[])reply!)
            {
                var fields = (RedisResult[])consumer!;
                var info = new Dictionary<string, RedisResult>(StringComparer.Ordinal);
                for (var index = 0; index + 1 < fields.Length; index += 2)
                {
                    info[(string)fields[index]!] = fields[index + 1];
                }

                var name = (string)info["name"]!;
                if ((long)info["pending"] == 0 && (long)info["idle"] > idleFor.TotalMilliseconds && !liveWorkers.Contains(name))
                {
                    removed += (int)database.Execute("XGROUP", "DELCONSUMER", stream, RedisKeys.Group, name) >= 0 ? 1 : 0;
                }
            }
        }

        return removed;
    }

    /// <summary>An idle time far past any lease, so a released entry is the first thing XAUTOCLAIM hands out.</summary>
    private const long ReleasedIdleMilliseconds = 1_000_000_000;

    private QueueEntry? TryReclaim(string sweep, string workerId, TimeSpan staleAfter)
    {
        string cursor;
        lock (cursorGate)
        {
            cursor = reclaimCursors.GetValueOrDefault(sweep, "0-0");
        }

        var stream = (string)keys.Stream(sweep)!;
        RedisResult reply;
        try
        {
            reply = database.Execute("XAUTOCLAIM", stream, RedisKeys.Group, workerId, (long)staleAfter.TotalMilliseconds, cursor, "COUNT", 1);
        }
        catch (RedisServerException error) when (error.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            EnsureGroup(keys.Stream(sweep));
            return null;
        }

        var parts = (RedisResult[])reply!;
        lock (cursorGate)
        {
            // XAUTOCLAIM scans the pending list in slices; continue where the last call stopped so stale entries
            // deep in a long pending list are found too. "0-0" means the scan wrapped around.
            reclaimCursors[sweep] = (string?)parts[0] ?? "0-0";
        }

        return FirstEntry(sweep, (RedisResult[])parts[1]!);
    }

    private QueueEntry? TryReadNew(string sweep, string workerId)
    {
        var stream = (string)keys.Stream(sweep)!;
        RedisResult reply;
        try
        {
            reply = database.Execute("XREADGROUP", "GROUP", RedisKeys.Group, workerId, "COUNT", 1, "STREAMS", stream, ">");
        }
        catch (RedisServerException error) when (error.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            EnsureGroup(keys.Stream(sweep));
            return null;
        }

        if (reply.IsNull)
        {
            return null;
        }

        var streams = (RedisResult[])reply!;
        if (streams.Length == 0)
        {
            return null;
        }

        var streamReply = (RedisResult[])streams[0]!;
        return FirstEntry(sweep, (RedisResult[])streamReply[1]!);
    }

    private static QueueEntry? FirstEntry(string sweep, RedisResult[] entries)
    {
        foreach (var entry in entries)
        {
            if (entry.IsNull)
            {
                continue;
            }

            var parts = (RedisResult[])entry!;
            var id = (string)parts[0]!;
            if (parts.Length < 2 || parts[1].IsNull)
            {
                continue;
            }

            var fields = (RedisResult[])parts[1]!;
            for (var index = 0; index + 1 < fields.Length; index += 2)
            {
                if ((string?)fields[index] == "run")
                {
                    return new QueueEntry(sweep, id, (string)fields[index + 1]!);
                }
            }
        }

        return null;
    }

    private void EnsureGroup(RedisKey stream)
    {
        try
        {
            database.Execute("XGROUP", "CREATE", (string)stream!, RedisKeys.Group, "0", "MKSTREAM");
        }
        catch (RedisServerException error) when (error.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: the normal case for every submission after the first.
        }
    }
}
