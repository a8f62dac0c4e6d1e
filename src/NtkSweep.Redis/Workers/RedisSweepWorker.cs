using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Queue;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;
using StackExchange.Redis;

namespace NtkSweep.Redis.Workers;

/// <summary>Trains one run, possibly from a checkpoint, handing out checkpoints; the seam tests use to inject faults.</summary>
public delegate RunResult RunTrainer(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions checkpoints, CancellationToken cancellationToken);

/// <summary>
/// A distributed-sweep worker: takes runs from the sweeps' streams, owns each under a renewed lease with a fencing
/// token, checkpoints to Redis every K steps, commits each result once, and on stop checkpoints and releases what it
/// holds. Connection trouble never ends it: it backs off and retries, and training goes on while Redis is away.
/// </summary>
public sealed class RedisSweepWorker
{
    private readonly RedisOptions options;
    private readonly int concurrency;
    private readonly KernelPath kernelPath;
    private readonly RunTrainer train;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, ActiveRun> active = new(StringComparer.Ordinal);
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;

    public RedisSweepWorker(RedisOptions options, int concurrency, KernelPath kernelPath, ILogger logger, RunTrainer? train = null)
    {
        options.EnsureValid();
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        this.options = options;
        this.concurrency = concurrency;
        this.kernelPath = kernelPath;
        this.logger = logger;
        this.train = train ?? ((spec, path, resumeFrom, checkpoints, token) => Trainer.Run(spec, path, resumeFrom, checkpoints, token));
        WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    public string WorkerId { get; }

    /// <summary>
    /// Healthy while the worker's heartbeats reach Redis: the last one succeeded within a lease. What a readiness
    /// probe asks; <see cref="HealthReason"/> says why not.
    /// </summary>
    public bool Healthy => DateTimeOffset.UtcNow - new DateTimeOffset(Interlocked.Read(ref lastHeartbeatTicks), TimeSpan.Zero) < options.Lease;

    public string HealthReason => Healthy ? "heartbeating" : healthReason;

    private long lastHeartbeatTicks = DateTimeOffset.MinValue.UtcTicks;
    private volatile string healthReason = "connecting to Redis";

    /// <summary>Runs committed by this worker since it started.</summary>
    public int Committed => committed;

    private int committed;

    public static string Version => typeof(RedisSweepWorker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";

    /// <summary>Works until <paramref name="stoppingToken"/> is cancelled, then checkpoints and releases its runs.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var connection = await ConnectWithBackoffAsync(stoppingToken).ConfigureAwait(false);
        if (connection is null)
        {
            return;
        }

        var database = connection.GetDatabase();
        var keys = new RedisKeys(options.KeyPrefix);
        var queue = new RedisRunQueue(database, keys);
        var membership = new WorkerMembership(database, keys, options.Lease * 2);
        logger.LogInformation(
            "Worker {WorkerId} on {Redis}: {Concurrency} runs at once, kernel {Kernel}, lease {LeaseSeconds} s, checkpoint every {CheckpointSteps} steps",
            WorkerId,
            options.Describe(),
            concurrency,
            KernelSelector.ToName(kernelPath),
            options.LeaseSeconds,
            options.CheckpointSteps);

        using var renewing = new CancellationTokenSource();
        var renewLoop = Task.Run(() => RenewLoopAsync(queue, membership, renewing.Token), CancellationToken.None);

        // One long-running loop per slot: it claims its next run itself as soon as the last one is committed, so no
        // hand-off to a dispatcher (which the training threads would starve of CPU) sits between two runs.
        var slots = Enumerable.Range(0, concurrency)
            .Select(slot => Task.Factory.StartNew(() => SlotLoop(queue, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        try
        {
            await Task.WhenAll(slots).ConfigureAwait(false);
        }
        finally
        {
            logger.LogInformation("Worker {WorkerId} stopping: checkpointing and releasing {Runs} runs", WorkerId, active.Count);
            foreach (var run in active.Values)
            {
                run.Stop();
            }

            await Task.WhenAll(slots).ConfigureAwait(false);
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewLoop.ConfigureAwait(false);
            try
            {
                membership.Leave(WorkerId);
            }
            catch (Exception error) when (error is RedisException or TimeoutException)
            {
                logger.LogWarning("Worker {WorkerId}: could not deregister ({Reason}); it drops out when its heartbeat expires", WorkerId, error.Message);
            }

            logger.LogInformation("Worker {WorkerId} stopped after committing {Committed} runs", WorkerId, committed);
        }
    }

    /// <summary>Claims and trains runs one after another until the worker stops; waits a poll interval when idle.</summary>
    private void SlotLoop(RedisRunQueue queue, CancellationToken stoppingToken)
    {
        var backoff = new Backoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            ActiveRun? run;
            bool tookEntry;
            try
            {
                tookEntry = TryClaimOne(queue, stoppingToken, out run);
                backoff.Reset();
            }
            catch (Exception error) when (error is RedisException or TimeoutException)
            {
                var delay = backoff.Next();
                logger.LogWarning("Worker {WorkerId}: Redis unavailable ({Reason}); retrying in {DelaySeconds:0.0} s", WorkerId, error.Message, delay.TotalSeconds);
                stoppingToken.WaitHandle.WaitOne(delay);
                continue;
            }

            if (run is not null)
            {
                Execute(queue, run);
            }
            else if (!tookEntry)
            {
                stoppingToken.WaitHandle.WaitOne(options.Poll);
            }
        }
    }

    private async Task<ConnectionMultiplexer?> ConnectWithBackoffAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = RedisConnector.Connect(options);

                // Once connected, let the multiplexer reconnect by itself instead of failing commands for good.
                return connection;
            }
            catch (RedisSetupException error)
            {
                healthReason = error.Message;
                var delay = backoff.Next();
                logger.LogWarning("Worker {WorkerId}: {Reason}; retrying in {DelaySeconds:0.0} s", WorkerId, error.Message, delay.TotalSeconds);
                await DelayQuietly(delay, stoppingToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <summary>
    /// Takes the next stream entry and claims its run: true with a run to train, true without one when the entry
    /// needed no work (finished, missing, or still leased), false when there was no entry at all.
    /// </summary>
    private bool TryClaimOne(RedisRunQueue queue, CancellationToken stoppingToken, out ActiveRun? run)
    {
        run = null;
        // Reclaim only entries idle for longer than a lease plus a margin, so that the lease key (renewed in the same
        // script as the entry) has surely expired and the claim does not bounce off a live owner.
        var entry = queue.TryTakeEntry(WorkerId, options.Lease + TimeSpan.FromMilliseconds(250));
        if (entry is null)
        {
            return false;
        }

        var outcome = queue.Claim(entry, WorkerId, options.Lease);
        switch (outcome.Status)
        {
            case ClaimStatus.Claimed:
                run = new ActiveRun(outcome.Run!, stoppingToken);
                active[run.Claim.Key] = run;
                return true;
            case ClaimStatus.Finished:
            case ClaimStatus.Missing:
                queue.Acknowledge(entry);
                logger.LogDebug("Run {RunId}: entry {EntryId} needs no work ({Detail})", entry.RunKey, entry.EntryId, outcome.Detail);
                return true;
            default:
                logger.LogDebug("Run {RunId}: still leased by {Holder}", entry.RunKey, outcome.Detail);
                return true;
        }
    }

    private void Execute(RedisRunQueue queue, ActiveRun run)
    {
        var claim = run.Claim;
        try
        {
            logger.LogDebug("Run {RunId}: claimed (attempt {Attempt}, fence {Fence})", claim.Key, claim.Attempts, claim.Fence);
            if (claim.Attempts > options.MaxAttempts)
            {
                // Its previous owners died without reporting: the run itself is the likely cause.
                var reason = claim.LastError.Length > 0 ? claim.LastError : "its worker died during every attempt";
                FailForGood(queue, run, null, $"gave up after {claim.Attempts - 1} attempts: {reason}");
                return;
            }

            RunSpec spec;
            try
            {
                spec = ParseSpec(claim);
            }
            catch (InvalidDataException error)
            {
                FailAttempt(queue, run, null, error.Message);
                return;
            }

            RunResult result;
            try
            {
                result = Train(queue, run, spec);
            }
            catch (OperationCanceledException) when (run.LostLease)
            {
                logger.LogWarning("Run {RunId}: lease lost to another worker; abandoned without committing", claim.Key);
                return;
            }
            catch (OperationCanceledException) when (run.Stopping)
            {
                Release(queue, run);
                return;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                FailAttempt(queue, run, spec, $"{error.GetType().Name}: {error.Message}");
                return;
            }

            CommitWithRetry(queue, run, StoredRun.FromResult(claim.Key, result));
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            // The run stays leased until its lease expires; then it is reclaimed and resumed from its checkpoint.
            logger.LogError("Run {RunId}: Redis failed while finishing the run ({Reason}); it will be reclaimed after its lease", claim.Key, error.Message);
        }
        finally
        {
            active.TryRemove(claim.Key, out _);
            run.Dispose();
        }
    }

    private RunResult Train(RedisRunQueue queue, ActiveRun run, RunSpec spec)
    {
        var claim = run.Claim;
        var checkpoints = new CheckpointOptions(options.CheckpointSteps, bytes => SaveCheckpoint(queue, run, bytes))
        {
            MinimumInterval = TimeSpan.FromSeconds(options.CheckpointSeconds),
        };
        var resumeFrom = claim.Checkpoint;
        if (resumeFrom is not null)
        {
            try
            {
                logger.LogInformation("Run {RunId}: resuming from a checkpoint of {Bytes} bytes", claim.Key, resumeFrom.Length);
                return train(spec, kernelPath, resumeFrom, checkpoints, run.Token);
            }
            catch (CheckpointMismatchException error)
            {
                // E.g. saved on another kernel path: resuming would not be bit-identical, so start over instead.
                logger.LogWarning("Run {RunId}: checkpoint unusable ({Reason}); starting from scratch", claim.Key, error.Message);
                queue.DiscardCheckpoint(claim);
            }
        }

        return train(spec, kernelPath, null, checkpoints, run.Token);
    }

    private void SaveCheckpoint(RedisRunQueue queue, ActiveRun run, byte[] bytes)
    {
        try
        {
            if (!queue.SaveCheckpoint(run.Claim, bytes))
            {
                logger.LogWarning("Run {RunId}: fenced out while checkpointing; stopping it", run.Claim.Key);
                run.Lose();
            }
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            // A missed checkpoint only costs redone steps if the run is reclaimed; training goes on.
            logger.LogWarning("Run {RunId}: checkpoint not saved ({Reason})", run.Claim.Key, error.Message);
        }
    }

    private void CommitWithRetry(RedisRunQueue queue, ActiveRun run, StoredRun record)
    {
        var backoff = new Backoff();
        while (true)
        {
            try
            {
                var status = queue.Commit(run.Claim, record);
                switch (status)
                {
                    case CommitStatus.Committed:
                        Interlocked.Increment(ref committed);
                        logger.LogInformation("Run {RunId}: committed {State}", run.Claim.Key, StoredRunJson.StateName(record.State));
                        break;
                    case CommitStatus.Fenced:
                        logger.LogWarning("Run {RunId}: another worker owns the run now; this result is discarded", run.Claim.Key);
                        break;
                    default:
                        logger.LogWarning("Run {RunId}: already committed; this result is discarded", run.Claim.Key);
                        break;
                }

                return;
            }
            catch (Exception error) when ((error is RedisException or TimeoutException) && !run.Stopping)
            {
                var delay = backoff.Next();
                logger.LogWarning("Run {RunId}: commit failed ({Reason}); retrying in {DelaySeconds:0.0} s", run.Claim.Key, error.Message, delay.TotalSeconds);
                Thread.Sleep(delay);
            }
        }
    }

    private void FailAttempt(RedisRunQueue queue, ActiveRun run, RunSpec? spec, string error)
    {
        if (run.Claim.Attempts >= options.MaxAttempts)
        {
            FailForGood(queue, run, spec, error);
            return;
        }

        logger.LogWarning("Run {RunId}: attempt {Attempt} of {MaxAttempts} failed: {Error}", run.Claim.Key, run.Claim.Attempts, options.MaxAttempts, error);
        queue.Release(run.Claim, error);
    }

    private void FailForGood(RedisRunQueue queue, ActiveRun run, RunSpec? spec, string error)
    {
        spec ??= TryParseSpec(run.Claim);
        var status = spec is null
            ? queue.CommitFailureWithoutRecord(run.Claim, error)
            : queue.Commit(run.Claim, StoredRun.FromError(run.Claim.Key, spec, error));
        logger.LogError("Run {RunId}: failed for good after {Attempts} attempts: {Error} ({Status})", run.Claim.Key, run.Claim.Attempts, error, status);
    }

    private void Release(RedisRunQueue queue, ActiveRun run)
    {
        try
        {
            var released = queue.Release(run.Claim, null);
            logger.LogInformation("Run {RunId}: checkpointed and released ({Released})", run.Claim.Key, released);
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            logger.LogWarning("Run {RunId}: could not release ({Reason}); it is reclaimed after its lease", run.Claim.Key, error.Message);
        }
    }

    private static RunSpec ParseSpec(ClaimedRun claim)
    {
        RunSpec spec;
        try
        {
            spec = RunSpecJson.Parse(claim.SpecJson);
        }
        catch (Exception error) when (error is JsonException or SpecException or ArgumentException)
        {
            throw new InvalidDataException($"the queued spec is unusable: {error.Message}", error);
        }

        if (!string.Equals(RunKey.For(spec), claim.Key, StringComparison.Ordinal))
        {
            throw new InvalidDataException("the queued spec does not hash to its run key (queued by another training version, or tampered with)");
        }

        return spec;
    }

    private static RunSpec? TryParseSpec(ClaimedRun claim)
    {
        try
        {
            return ParseSpec(claim);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private async Task RenewLoopAsync(RedisRunQueue queue, WorkerMembership membership, CancellationToken token)
    {
        using var timer = new PeriodicTimer(options.RenewInterval);
        do
        {
            foreach (var run in active.Values)
            {
                try
                {
                    if (!queue.Renew(run.Claim, options.Lease))
                    {
                        logger.LogWarning("Run {RunId}: lease lost (another worker claimed it); stopping it", run.Claim.Key);
                        run.Lose();
                    }
                }
                catch (Exception error) when (error is RedisException or TimeoutException)
                {
                    logger.LogWarning("Run {RunId}: lease not renewed ({Reason}); training goes on", run.Claim.Key, error.Message);
                }
            }

            try
            {
                membership.Heartbeat(new WorkerInfo(WorkerId, Environment.MachineName, Environment.ProcessId, Environment.ProcessorCount, concurrency, KernelSelector.ToName(kernelPath), Version, started, DateTimeOffset.UtcNow, active.Keys.ToArray()));
                Interlocked.Exchange(ref lastHeartbeatTicks, DateTimeOffset.UtcNow.UtcTicks);
            }
            catch (Exception error) when (error is RedisException or TimeoutException)
            {
                healthReason = "heartbeats fail: " + error.Message;
                logger.LogDebug("Worker {WorkerId}: heartbeat failed ({Reason})", WorkerId, error.Message);
            }
        }
        while (await WaitQuietly(timer, token).ConfigureAwait(false));
    }

    private static async Task<bool> WaitQuietly(PeriodicTimer timer, CancellationToken token)
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

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller's loop condition ends the wait.
        }
    }

    /// <summary>A run in progress: its claim and why it might be stopped (shutdown, or lost to another worker).</summary>
    private sealed class ActiveRun : IDisposable
    {
        private readonly CancellationTokenSource lost = new();
        private readonly CancellationTokenSource stop = new();
        private readonly CancellationTokenSource linked;

        public ActiveRun(ClaimedRun claim, CancellationToken stopping)
        {
            Claim = claim;
            linked = CancellationTokenSource.CreateLinkedTokenSource(lost.Token, stop.Token, stopping);
        }

        public ClaimedRun Claim { get; }

        public CancellationToken Token => linked.Token;

        public bool LostLease => lost.IsCancellationRequested;

        public bool Stopping => !LostLease && linked.IsCancellationRequested;

        public void Lose() => lost.Cancel();

        public void Stop() => stop.Cancel();

        public void Dispose()
        {
            linked.Dispose();
            lost.Dispose();
            stop.Dispose();
        }
    }

    /// <summary>Exponential backoff from 0.5 s to 30 s with jitter, so restarting workers do not stampede Redis.</summary>
    private sealed class Backoff
    {
        private int failures;

        public void Reset() => failures = 0;

        public TimeSpan Next()
        {
            var seconds = Math.Min(30, 0.5 * Math.Pow(2, Math.Min(failures++, 8)));
            return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
        }
    }
}
