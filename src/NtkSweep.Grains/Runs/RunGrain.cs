using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using NtkSweep.Grains.Metrics;
using NtkSweep.Grains.Slots;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;
using Orleans.Placement;
using Orleans.Runtime;

namespace NtkSweep.Grains.Runs;

/// <summary>
/// One run from first step to committed result. Placed on the silo whose slot asked for it, it trains on that silo's
/// <see cref="TrainingPool"/> (the grain only awaits), writes checkpoints into its persisted state while training (at
/// most every <see cref="EngineOptions.CheckpointSeconds"/>), and commits the result to the result store with a
/// create-if-absent write, so a run key holds one record however many activations ever trained it. State writes are
/// ETag-checked: an activation that another one superseded fails its next write and stops.
/// </summary>
[PreferLocalPlacement]
public sealed partial class RunGrain(
    [PersistentState("run", StorageNames.Grains)] IPersistentState<RunGrainState> state,
    TrainingPool pool,
    IResultStore store,
    IRunTrainer trainer,
    ILocalSiloDetails silo,
    EngineMetrics metrics,
    IOptions<EngineOptions> options,
    ILogger<RunGrain> logger) : Grain, IRunGrain
{
    private readonly HashSet<string> subscribers = new(StringComparer.Ordinal);
    private CancellationTokenSource? training;
    private bool forgetting;

    private string SiloName => silo.SiloAddress.ToParsableString();

    public async Task<RunOutcome> Execute(RunOrder order)
    {
        if (forgetting)
        {
            return new RunOutcome(order.Key, RunOutcomeKind.Interrupted, 0, "its sweep was deleted", SiloName);
        }

        if (training is not null)
        {
            subscribers.Add(order.Sweep);
            metrics.RunEnded(RunOutcomeKind.Busy, 0);
            return new RunOutcome(order.Key, RunOutcomeKind.Busy, 0, null, SiloName);
        }

        using var stop = new CancellationTokenSource();
        training = stop;
        RunOutcome outcome;
        try
        {
            outcome = await TrainAsync(order, stop);
        }
        finally
        {
            training = null;
        }

        metrics.RunEnded(outcome.Kind, outcome.Seconds);
        await NotifySubscribersAsync(order.Sweep, outcome);
        if (outcome.Kind is RunOutcomeKind.Done or RunOutcomeKind.Diverged || pool.Stopping.IsCancellationRequested)
        {
            // A finished run is never trained again, and a leaving silo trains nothing more: free the activation, so
            // that the next order (a retry, a resume on another silo) activates the run where that order comes from.
            DeactivateOnIdle();
        }

        return outcome;
    }

    public async Task<bool> Forget()
    {
        if (training is not null)
        {
            return false;
        }

        // Execute interleaves: while the state is being cleared, an order that arrives is turned away, not trained.
        forgetting = true;
        state.State = new RunGrainState();
        var cleared = await TryClearAsync(this.GetPrimaryKeyString());
        DeactivateOnIdle();
        return cleared;
    }

    public Task Stop()
    {
        training?.Cancel();
        return Task.CompletedTask;
    }

    private async Task<RunOutcome> TrainAsync(RunOrder order, CancellationTokenSource stop)
    {
        var checkpoints = Channel.CreateBounded<(byte[] Bytes, int Step)>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var resume = state.State.Checkpoint;
        if (resume is not null)
        {
            LogResuming(order.Key, state.State.CheckpointStep);
        }

        var work = pool.Run(token => TrainOnSlot(order, resume, checkpoints.Writer, token), stop.Token);

        // Work the pool cancelled before it ran (the silo leaving) never completes the channel itself.
        _ = work.ContinueWith(_ => checkpoints.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var superseded = false;
        while (await checkpoints.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (checkpoints.Reader.TryRead(out var checkpoint))
            {
                if (!await TrySaveCheckpointAsync(order.Key, checkpoint.Bytes, checkpoint.Step))
                {
                    superseded = true;
                    await stop.CancelAsync();
                }
            }
        }

        SlotResult result;
        try
        {
            result = await work;
        }
        catch (OperationCanceledException)
        {
            return new RunOutcome(order.Key, RunOutcomeKind.Interrupted, 0, superseded ? "superseded by another activation" : null, SiloName);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            var message = $"{error.GetType().Name}: {error.Message}";
            LogFailed(error, order.Key, order.Attempt, message);
            return new RunOutcome(order.Key, RunOutcomeKind.Failed, 0, message, SiloName);
        }

        if (state.State.Checkpoint is not null)
        {
            // The result is stored; its checkpoint is dead weight.
            state.State = new RunGrainState();
            await TryClearAsync(order.Key);
        }

        LogFinished(order.Key, result.Kind, result.Seconds, result.Committed);
        return new RunOutcome(order.Key, result.Kind, result.Seconds, null, SiloName);
    }

    /// <summary>On a training thread: the store check, the training and the commit; nothing here touches grain state.</summary>
    private SlotResult TrainOnSlot(RunOrder order, byte[]? resume, ChannelWriter<(byte[] Bytes, int Step)> checkpoints, CancellationToken cancellationToken)
    {
        try
        {
            if (store.TryGet(order.Key) is { IsFinished: true } stored)
            {
                return new SlotResult(Kind(stored.State), 0, Committed: false);
            }

            var spec = RunSpecJson.Parse(order.SpecJson);
            if (!string.Equals(RunKey.For(spec), order.Key, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the order's spec does not hash to run key {order.Key}");
            }

            var settings = options.Value;
            var saving = new CheckpointOptions(settings.CheckpointSteps, bytes => checkpoints.TryWrite((bytes, TrainingSession.CheckpointStep(bytes))))
            {
                MinimumInterval = TimeSpan.FromSeconds(settings.CheckpointSeconds),
            };
            RunResult result;
            try
            {
                result = trainer.Train(spec, settings.Kernel ?? KernelFactory.Best, resume, saving, cancellationToken);
            }
            catch (CheckpointMismatchException error)
            {
                // Taken on another kernel path (or damaged): resuming would not be bit-identical, so start over.
                LogCheckpointDiscarded(order.Key, error.Message);
                result = trainer.Train(spec, settings.Kernel ?? KernelFactory.Best, null, saving, cancellationToken);
            }

            var record = StoredRun.FromResult(order.Key, result);
            var commit = Stopwatch.GetTimestamp();
            var committed = store.TryCommit(record);
            metrics.ResultCommitted(Stopwatch.GetElapsedTime(commit));
            return new SlotResult(Kind(record.State), result.WallSeconds, committed);
        }
        finally
        {
            checkpoints.TryComplete();
        }
    }

    private async Task<bool> TrySaveCheckpointAsync(string key, byte[] checkpoint, int step)
    {
        state.State.Checkpoint = checkpoint;
        state.State.CheckpointStep = step;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await state.WriteStateAsync();
            metrics.CheckpointWritten(Stopwatch.GetElapsedTime(started));
            return true;
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            LogSuperseded(key);
            return false;
        }
    }

    private async Task<bool> TryClearAsync(string key)
    {
        try
        {
            await state.ClearStateAsync();
            return true;
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            LogSuperseded(key);
            return false;
        }
    }

    private async Task NotifySubscribersAsync(string orderedBy, RunOutcome outcome)
    {
        subscribers.Remove(orderedBy);
        foreach (var sweep in subscribers.ToArray())
        {
            try
            {
                await GrainFactory.GetGrain<ISweepGrain>(sweep).Report(outcome);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // The sweep re-checks the store for its runs when it next looks; a lost notice delays, never loses.
                LogNoticeLost(error, outcome.Key, sweep);
            }
        }

        subscribers.Clear();
    }

    private static RunOutcomeKind Kind(RunState state) => state == RunState.Diverged ? RunOutcomeKind.Diverged : RunOutcomeKind.Done;

    private sealed record SlotResult(RunOutcomeKind Kind, double Seconds, bool Committed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Run {RunId} resumes from its checkpoint at step {Step}")]
    private partial void LogResuming(string runId, int step);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Run {RunId} {Outcome} in {Seconds:0.000} s (committed now: {Committed})")]
    private partial void LogFinished(string runId, RunOutcomeKind outcome, double seconds, bool committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId} attempt {Attempt} failed: {Error}")]
    private partial void LogFailed(Exception exception, string runId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: its checkpoint cannot be resumed here ({Reason}); training from step 0")]
    private partial void LogCheckpointDiscarded(string runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: another activation owns this run now; this one stops")]
    private partial void LogSuperseded(string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: could not tell sweep {Sweep} that it ended")]
    private partial void LogNoticeLost(Exception exception, string runId, string sweep);
}
