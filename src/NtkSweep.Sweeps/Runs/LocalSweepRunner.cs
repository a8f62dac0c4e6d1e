using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Runs;

/// <summary>Receives a sweep's run events, e.g. to draw progress. Called from worker threads.</summary>
public interface ISweepObserver
{
    void RunStarted(RunEntry run);

    void RunFinished(RunEntry run, RunResult result);

    void RunFailed(RunEntry run, string error);
}

/// <summary>
/// Runs a coordinator's runs in this process on N worker threads, each run single-threaded. Cancelling stops the
/// workers at their next step check; interrupted runs are released, not stored, so the next invocation redoes them.
/// </summary>
public sealed class LocalSweepRunner
{
    private readonly SweepCoordinator coordinator;
    private readonly Func<RunSpec, CancellationToken, RunResult> train;
    private readonly ISweepObserver? observer;
    private readonly ILogger logger;

    public LocalSweepRunner(SweepCoordinator coordinator, Func<RunSpec, CancellationToken, RunResult> train, ISweepObserver? observer = null, ILogger? logger = null)
    {
        this.coordinator = coordinator;
        this.train = train;
        this.observer = observer;
        this.logger = logger ?? NullLogger.Instance;
    }

    public async Task RunAsync(int workers, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var tasks = Enumerable.Range(0, workers)
            .Select(index => Task.Factory.StartNew(() => Work(index, cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Work(int worker, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && coordinator.TryTake(out var run))
        {
            observer?.RunStarted(run);
            logger.LogDebug("Worker {Worker} starts run {RunId}", worker, run.Key);
            RunResult result;
            try
            {
                result = train(run.Spec, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                coordinator.Release(run.Key);
                logger.LogInformation("Run {RunId} interrupted; it will be redone next time", run.Key);
                return;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                var message = $"{error.GetType().Name}: {error.Message}";
                coordinator.Fail(run.Key, message);
                logger.LogError(error, "Run {RunId} failed: {Error}", run.Key, message);
                observer?.RunFailed(run, message);
                continue;
            }

            coordinator.Complete(run.Key, result);
            logger.LogDebug("Run {RunId} {Status} after {Steps} steps in {Seconds:0.00} s", run.Key, RunResultJson.StatusName(result.Status), result.Steps, result.WallSeconds);
            observer?.RunFinished(run, result);
        }
    }
}
