using System.Globalization;
using NtkSweep.Redis.Queue;
using StackExchange.Redis;

namespace NtkSweep.Redis.Workers;

/// <summary>What a worker says about itself in its heartbeats.</summary>
public sealed record WorkerInfo(string Id, string Host, int ProcessId, int Cores, int Concurrency, string KernelPath, string Version, DateTimeOffset Started, DateTimeOffset LastHeartbeat, IReadOnlyList<string> CurrentRuns);

/// <summary>
/// Workers register and heartbeat: a sorted set of ids by last heartbeat and a hash of details that expires on its
/// own. A worker that stops heartbeating (killed, partitioned) drops out after <c>DeadAfter</c>: its details
/// expire and readers prune its id.
/// </summary>
public sealed class WorkerMembership
{
    private readonly IDatabase database;
    private readonly RedisKeys keys;

    public WorkerMembership(IDatabase database, RedisKeys keys, TimeSpan deadAfter)
    {
        this.database = database;
        this.keys = keys;
        DeadAfter = deadAfter;
    }

    public TimeSpan DeadAfter { get; }

    public void Heartbeat(WorkerInfo info)
    {
        var now = DateTimeOffset.UtcNow;
        var key = keys.Worker(info.Id);
        var transaction = database.CreateTransaction();
        _ = transaction.HashSetAsync(key,
        [
            new HashEntry("host", info.Host),
            new HashEntry("pid", info.ProcessId),
            new HashEntry("cores", info.Cores),
            new HashEntry("concurrency", info.Concurrency),
            new HashEntry("kernel", info.KernelPath),
            new HashEntry("version", info.Version),
            new HashEntry("started", info.Started.ToUnixTimeMilliseconds()),
            new HashEntry("heartbeat", now.ToUnixTimeMilliseconds()),
            new HashEntry("runs", string.Join(',', info.CurrentRuns)),
        ]);
        _ = transaction.KeyExpireAsync(key, DeadAfter);
        _ = transaction.SortedSetAddAsync(keys.Workers, info.Id, now.ToUnixTimeMilliseconds());
        transaction.Execute();
    }

    /// <summary>Removes a worker that is shutting down, so it drops out at once rather than after a timeout.</summary>
    public void Leave(string workerId)
    {
        var transaction = database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(keys.Worker(workerId));
        _ = transaction.SortedSetRemoveAsync(keys.Workers, workerId);
        transaction.Execute();
    }

    /// <summary>The live workers; dead ones (no heartbeat within <see cref="DeadAfter"/>) are pruned on the way.</summary>
    public IReadOnlyList<WorkerInfo> ReadLive()
    {
        var cutoff = DateTimeOffset.UtcNow - DeadAfter;
        database.SortedSetRemoveRangeByScore(keys.Workers, double.NegativeInfinity, cutoff.ToUnixTimeMilliseconds(), Exclude.Stop);
        var workers = new List<WorkerInfo>();
        foreach (var id in database.SortedSetRangeByRank(keys.Workers).Select(value => (string)value!))
        {
            var fields = database.HashGetAll(keys.Worker(id)).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!, StringComparer.Ordinal);
            if (fields.Count == 0)
            {
                continue;
            }

            workers.Add(new WorkerInfo(
                id,
                fields.GetValueOrDefault("host", "?"),
                Int(fields, "pid"),
                Int(fields, "cores"),
                Int(fields, "concurrency"),
                fields.GetValueOrDefault("kernel", "?"),
                fields.GetValueOrDefault("version", "?"),
                Time(fields, "started"),
                Time(fields, "heartbeat"),
                fields.GetValueOrDefault("runs", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)));
        }

        return workers;
    }

    private static int Int(Dictionary<string, string> fields, string name) =>
        int.TryParse(fields.GetValueOrDefault(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static DateTimeOffset Time(Dictionary<string, string> fields, string name) =>
        long.TryParse(fields.GetValueOrDefault(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? DateTimeOffset.FromUnixTimeMilliseconds(value)
            : DateTimeOffset.MinValue;
}
