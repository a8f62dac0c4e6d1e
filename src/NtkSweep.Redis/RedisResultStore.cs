using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;
using StackExchange.Redis;

namespace NtkSweep.Redis;

/// <summary>
/// The result store of the cluster: the same StoredRunJson records as the directory store, as fields of one Redis
/// hash (<c>P:results</c>), so a report reads the same data whichever mode produced it. A commit is a transaction
/// conditioned on the field being absent (or holding a failure), so a run key is committed once.
/// </summary>
public sealed class RedisResultStore : IResultStore
{
    private readonly IDatabase database;
    private readonly RedisKeys keys;
    private readonly ILogger logger;

    public RedisResultStore(IDatabase database, RedisKeys keys, string location, ILogger? logger = null)
    {
        this.database = database;
        this.keys = keys;
        Location = location;
        this.logger = logger ?? NullLogger.Instance;
    }

    public string Location { get; }

    /// <summary>The store of the deployment <paramref name="options"/> name (its key prefix), on an open connection.</summary>
    public static RedisResultStore Open(IConnectionMultiplexer connection, Connection.RedisOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        return new RedisResultStore(connection.GetDatabase(), new RedisKeys(options.KeyPrefix), options.Describe(), logger);
    }

    public StoredRun? TryGet(string key) => Parse(key, database.HashGet(keys.Results, key));

    /// <summary>The stored runs for many keys in one round trip; keys without a (readable) record are left out.</summary>
    public IReadOnlyList<StoredRun> GetMany(IReadOnlyCollection<string> runKeys)
    {
        var runs = new List<StoredRun>(runKeys.Count);
        const int Batch = 512;
        for (var start = 0; start < runKeys.Count; start += Batch)
        {
            var slice = runKeys.Skip(start).Take(Batch).ToArray();
            var values = database.HashGet(keys.Results, slice.Select(key => (RedisValue)key).ToArray());
            for (var index = 0; index < slice.Length; index++)
            {
                if (Parse(slice[index], values[index]) is { } run)
                {
                    runs.Add(run);
                }
            }
        }

        return runs;
    }

    public bool TryCommit(StoredRun run)
    {
        if (!run.IsFinished)
        {
            throw new ArgumentException("only a finished run is committed", nameof(run));
        }

        var record = StoredRunJson.Write(run);
        while (true)
        {
            var current = database.HashGet(keys.Results, run.Key);
            if (!current.IsNull && Parse(run.Key, current) is { IsFinished: true })
            {
                return false;
            }

            var transaction = database.CreateTransaction();
            transaction.AddCondition(current.IsNull ? Condition.HashNotExists(keys.Results, run.Key) : Condition.HashEqual(keys.Results, run.Key, current));
            _ = transaction.HashSetAsync(keys.Results, run.Key, record);
            _ = transaction.HashIncrementAsync(keys.Commits, run.Key);
            if (transaction.Execute())
            {
                return true;
            }

            // Someone wrote the field between the read and the write: look again.
        }
    }

    public void PutResult(string key, RunResult result) => Put(StoredRun.FromResult(key, result));

    public void PutFailure(string key, RunSpec spec, string error) => Put(StoredRun.FromError(key, spec, error));

    public void ForgetFailure(string key)
    {
        if (TryGet(key) is { State: RunState.Failed })
        {
            database.HashDelete(keys.Results, key);
        }
    }

    public IReadOnlyList<StoredRun> ReadAll()
    {
        var runs = new List<StoredRun>();
        foreach (var entry in database.HashScan(keys.Results, pageSize: 500))
        {
            if (Parse(entry.Name!, entry.Value) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs.OrderBy(run => run.Key, StringComparer.Ordinal).ToArray();
    }

    public void SaveSweepManifest(SweepManifest manifest)
    {
        var json = SweepManifestJson.Write(manifest, indented: false);
        database.StringSet(keys.Manifest(manifest.Name), json);
        database.SetAdd(keys.Sweeps, manifest.Name);
    }

    public IReadOnlyList<SweepManifest> ReadSweepManifests()
    {
        var manifests = new List<SweepManifest>();
        foreach (var name in database.SetMembers(keys.Sweeps).Select(value => (string)value!).Order(StringComparer.Ordinal))
        {
            if (ReadSweepManifest(name) is { } manifest)
            {
                manifests.Add(manifest);
            }
        }

        return manifests;
    }

    public void DeleteSweep(string name, IReadOnlyCollection<string> runKeys)
    {
        foreach (var chunk in runKeys.Select(key => (RedisValue)key).Chunk(1000))
        {
            database.HashDelete(keys.Results, chunk);
            database.HashDelete(keys.Commits, chunk);
        }

        database.KeyDelete([keys.Manifest(name), keys.Exported(name)]);
        database.SetRemove(keys.Sweeps, name);
    }

    /// <summary>Notes that a sweep was exported: where to, when, and how many of its runs were finished then.</summary>
    public void MarkExported(string name, string destination, int finishedRuns) =>
        database.HashSet(keys.Exported(name), [
            new HashEntry("destination", destination),
            new HashEntry("utc", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            new HashEntry("finishedRuns", finishedRuns),
        ]);

    /// <summary>How many finished runs the sweep's last export held, or null when it was never exported.</summary>
    public int? ExportedRuns(string name) => (int?)database.HashGet(keys.Exported(name), "finishedRuns");

    public SweepManifest? ReadSweepManifest(string name)
    {
        var text = (string?)database.StringGet(keys.Manifest(name));
        if (text is null)
        {
            return null;
        }

        try
        {
            return SweepManifestJson.Parse(text);
        }
        catch (JsonException error)
        {
            logger.LogWarning("Sweep manifest {Sweep} in Redis is unreadable: {Reason}", name, error.Message);
            return null;
        }
    }

    private void Put(StoredRun run) => database.HashSet(keys.Results, run.Key, StoredRunJson.Write(run));

    private StoredRun? Parse(string key, RedisValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        try
        {
            return StoredRunJson.Parse(value!, key);
        }
        catch (InvalidDataException error)
        {
            logger.LogWarning("Run {RunId}: record in Redis is unreadable ({Reason}); it is ignored", key, error.Message);
            return null;
        }
    }

}
