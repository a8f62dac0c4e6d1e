using StackExchange.Redis;

namespace NtkSweep.Redis.Queue;

/// <summary>
/// The key layout under one prefix P (default <c>ntksweep:</c>):
/// <list type="bullet">
/// <item><c>P:run:KEY</c> hash: state, spec, sweep, fence, attempts, claims, commits, owner, lastError, error.</item>
/// <item><c>P:lease:KEY</c> string <c>WORKER|FENCE</c> with a TTL of one lease: who owns a running run.</item>
/// <item><c>P:checkpoint:KEY</c> the last checkpoint's bytes (only the fenced owner writes it).</item>
/// <item><c>P:results</c> hash KEY → the StoredRunJson record (done, diverged, failed): the result store.</item>
/// <item><c>P:commits</c> sorted set KEY by commit time in ms: throughput.</item>
/// <item><c>P:sweeps</c> set of sweep names; <c>P:manifest:NAME</c> the sweep's manifest JSON;
/// <c>P:stream:NAME</c> the sweep's queue (entries {run: KEY}) with consumer group <see cref="Group"/>.</item>
/// <item><c>P:workers</c> sorted set WORKER by last heartbeat in ms; <c>P:worker:WORKER</c> hash of its details, expiring.</item>
/// </list>
/// Scripts touch several keys at once, so one deployment lives on one Redis primary (not a cluster).
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public const string Group = "workers";

    public string Prefix { get; } = prefix;

    public RedisKey Run(string key) => Prefix + "run:" + key;

    public RedisKey Lease(string key) => Prefix + "lease:" + key;

    public RedisKey Checkpoint(string key) => Prefix + "checkpoint:" + key;

    public RedisKey Results => Prefix + "results";

    public RedisKey Commits => Prefix + "commits";

    public RedisKey Sweeps => Prefix + "sweeps";

    public RedisKey Manifest(string sweep) => Prefix + "manifest:" + sweep;

    public RedisKey Stream(string sweep) => Prefix + "stream:" + sweep;

    public RedisKey Workers => Prefix + "workers";

    public RedisKey Worker(string workerId) => Prefix + "worker:" + workerId;
}
