using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Queue;
using NtkSweep.Redis.Status;
using NtkSweep.Redis.Workers;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using StackExchange.Redis;

namespace NtkSweep.Redis.Coordination;

/// <summary>Writes a sweep's phase report: title, description, runs, the sweep's report hints, output directory.</summary>
public delegate void ReportRenderer(string title, string? description, IReadOnlyList<StoredRun> runs, SweepReportHints hints, string outputDirectory);

/// <summary>What the coordinator last rendered for a sweep, and how long rendering took.</summary>
public sealed record RenderedReport(string Sweep, string Directory, int FinishedRuns, DateTimeOffset RenderedAt, TimeSpan Duration);

/// <summary>
/// The long-running coordinator: keeps a connection to Redis (reconnecting with backoff), accepts submissions,
/// watches progress, and re-renders a sweep's phase report whenever runs of it have finished since the last
/// rendering. Serving it over HTTP is the host's job; this class holds the state the endpoints read.
/// </summary>
public sealed class LiveSweepCoordinator
{
    private readonly RedisOptions redisOptions;
    private readonly CoordinatorOptions options;
    private readonly ReportRenderer render;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, RenderedReport> rendered = new(StringComparer.Ordinal);
    private volatile ConnectionMultiplexer? connection;
    private long lastCommitCount = -1;

    public LiveSweepCoordinator(RedisOptions redisOptions, CoordinatorOptions options, ReportRenderer render, ILogger logger)
    {
        redisOptions.EnsureValid();
        this.redisOptions = redisOptions;
        this.options = options;
        this.render = render;
        this.logger = logger;
        ReportRoot = Path.GetFullPath(options.ReportDirectory);
    }

    public string ReportRoot { get; }

    /// <summary>False until Redis has been reached once, and while the multiplexer is reconnecting.</summary>
    public bool Connected => connection is { IsConnected: true };

    public string LastError { get; private set; } = "not connected yet";

    public IReadOnlyCollection<RenderedReport> Reports => rendered.Values.ToArray();

    /// <summary>The directory of a sweep's rendered report, or null when it has not been rendered (yet).</summary>
    public string? ReportDirectoryOf(string sweep) => rendered.TryGetValue(sweep, out var report) ? report.Directory : null;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(0.5);
        while (!stoppingToken.IsCancellationRequested && connection is null)
        {
            try
            {
                connection = RedisConnector.Connect(redisOptions);
                LastError = string.Empty;
                logger.LogInformation("Coordinator connected to {Redis}; reports go to {ReportRoot}", redisOptions.Describe(), ReportRoot);
            }
            catch (RedisSetupException error)
            {
                LastError = error.Message;
                logger.LogWarning("Coordinator: {Reason}; retrying in {DelaySeconds:0.0} s", error.Message, delay.TotalSeconds);
                await Sleep(delay, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.RenderSeconds));
        do
        {
            try
            {
                RenderChanged();
                PruneDeadConsumers();
                LastError = string.Empty;
            }
            catch (Exception error) when (error is RedisException or TimeoutException)
            {
                LastError = error.Message;
                logger.LogWarning("Coordinator: Redis unavailable ({Reason}); reports are kept as they are", error.Message);
            }
        }
        while (await Tick(timer, stoppingToken).ConfigureAwait(false));

        connection?.Dispose();
    }

    /// <summary>Re-renders the report of every sweep whose finished-run count changed since its last rendering.</summary>
    public void RenderChanged()
    {
        var (database, keys, store) = Open();
        var commits = database.SortedSetLength(keys.Commits);
        var reader = new SweepStatusReader(database, keys, store);
        var names = reader.SweepNames();
        if (commits == Interlocked.Read(ref lastCommitCount) && names.All(rendered.ContainsKey))
        {
            return;
        }

        var deferred = false;
        foreach (var name in names)
        {
            var status = reader.Read(name);
            var manifest = store.ReadSweepManifest(name);
            if (status is null || manifest is null)
            {
                continue;
            }

            var finished = status.Done + status.Diverged + status.Failed;
            if (rendered.TryGetValue(name, out var previous) && previous.FinishedRuns == finished)
            {
                continue;
            }

            if (previous is not null && !status.Finished && DateTimeOffset.UtcNow - previous.RenderedAt < previous.Duration * 4)
            {
                // A report that takes long to render is redrawn at most a fifth of the time while runs stream in,
                // so the coordinator does not spend its life redrawing; a finished sweep is always drawn in full.
                deferred = true;
                continue;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sweep = SweepFileParser.Parse(manifest.SourceText, manifest.Name + ".yaml");
            var runs = store.GetMany(manifest.Keys).OrderBy(run => run.Key, StringComparer.Ordinal).ToArray();
            var directory = Path.Combine(ReportRoot, name);
            render(sweep.Name, sweep.Description, runs, sweep.Report, directory);
            rendered[name] = new RenderedReport(name, directory, finished, DateTimeOffset.UtcNow, clock.Elapsed);
            logger.LogInformation("Report of {Sweep} rendered with {Runs} finished runs of {Total}", name, finished, status.Total);
        }

        if (!deferred)
        {
            Interlocked.Exchange(ref lastCommitCount, commits);
        }
    }

    /// <summary>Drops the stream consumers of workers that are gone (no heartbeat, nothing pending, idle ten leases).</summary>
    public int PruneDeadConsumers()
    {
        var (database, keys, _) = Open();
        var live = new WorkerMembership(database, keys, redisOptions.Lease * 2).ReadLive().Select(worker => worker.Id).ToHashSet(StringComparer.Ordinal);
        var removed = new RedisRunQueue(database, keys).PruneConsumers(live, redisOptions.Lease * 10);
        if (removed > 0)
        {
            logger.LogInformation("Removed {Consumers} stream consumers of departed workers", removed);
        }

        return removed;
    }

    /// <summary>Every sweep's status and the live workers.</summary>
    public (IReadOnlyList<SweepStatus> Sweeps, IReadOnlyList<WorkerInfo> Workers) ReadStatus(string? sweep)
    {
        var (database, keys, store) = Open();
        var reader = new SweepStatusReader(database, keys, store);
        var names = sweep is null ? reader.SweepNames() : [sweep];
        var sweeps = names.Select(reader.Read).OfType<SweepStatus>().ToArray();
        var workers = new WorkerMembership(database, keys, redisOptions.Lease * 2).ReadLive();
        return (sweeps, workers);
    }

    /// <summary>Submits a sweep file's text, as `ntksweep submit` does.</summary>
    /// <exception cref="SweepFileException">The text is not a valid sweep.</exception>
    public async Task<SubmitOutcome> SubmitAsync(string sweepText)
    {
        var sweep = SweepFileParser.Parse(sweepText, "submitted.yaml");
        var (database, keys, store) = Open();
        return await new RedisRunQueue(database, keys).SubmitAsync(sweep, sweepText, sweep.Expand(), store).ConfigureAwait(false);
    }

    /// <summary>PING round trip; throws when Redis is unreachable.</summary>
    public TimeSpan Ping() => Open().Database.Ping();

    private (IDatabase Database, RedisKeys Keys, RedisResultStore Store) Open()
    {
        var current = connection ?? throw new RedisSetupException(LastError);
        var database = current.GetDatabase();
        var keys = new RedisKeys(redisOptions.KeyPrefix);
        return (database, keys, new RedisResultStore(database, keys, redisOptions.Describe(), logger));
    }

    private static async Task Sleep(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
