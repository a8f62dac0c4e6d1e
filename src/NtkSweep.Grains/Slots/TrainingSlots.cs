using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NtkSweep.Training.Kernels;
using Orleans.Runtime;

namespace NtkSweep.Grains.Slots;

/// <summary>
/// The silo's slot loops, one per training slot: ask the sweeps that have work for a batch (reporting the last
/// batch's outcomes in the same call), hand each run to its run grain (placed on this silo) and await it. A slot
/// trains one run at a time, so no silo ever holds more runs than it has slots. On shutdown the pool stops every run
/// (each checkpoints first) and the loops report them as interrupted before the silo leaves the cluster.
/// </summary>
public sealed partial class TrainingSlots(
    IGrainFactory grains,
    TrainingPool pool,
    ILocalSiloDetails silo,
    IOptions<EngineOptions> options,
    ILogger<TrainingSlots> logger) : BackgroundService
{
    private readonly SemaphoreSlim refresh = new(1, 1);
    private IReadOnlyList<string> activeSweeps = [];
    private DateTime refreshedUtc = DateTime.MinValue;

    private string SiloName => silo.SiloAddress.ToParsableString();

    public override void Dispose()
    {
        refresh.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopPool = stoppingToken.Register(pool.Stop);
        LogStarted(SiloName, pool.Slots);
        var loops = Enumerable.Range(0, pool.Slots).Select(slot => Task.Run(() => SlotLoopAsync(slot, stoppingToken), CancellationToken.None)).ToArray();
        var heartbeat = Task.Run(() => HeartbeatAsync(stoppingToken), CancellationToken.None);
        await Task.WhenAll([.. loops, heartbeat]);
    }

    /// <summary>
    /// Tells the registry this silo's slot counts about once a second even while every slot trains (then no slot loop
    /// asks it), so that status, the operator page and the metrics see busy slots as busy.
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        var poll = TimeSpan.FromSeconds(options.Value.PollSeconds);
        var period = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, stopping);
                await ActiveSweepsAsync(poll);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // The registry moving with a dead silo: the next beat reaches it.
                LogHeartbeatFailed(error);
            }
        }
    }

    private async Task SlotLoopAsync(int slot, CancellationToken stopping)
    {
        var settings = options.Value;
        var poll = TimeSpan.FromSeconds(settings.PollSeconds);
        var unreported = new Dictionary<string, List<RunOutcome>>(StringComparer.Ordinal);
        var turn = slot;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var sweeps = await ActiveSweepsAsync(poll);
                var worked = false;
                foreach (var sweep in unreported.Keys.Concat(Rotate(sweeps, turn++)).Distinct(StringComparer.Ordinal).ToArray())
                {
                    var orders = await TakeAsync(sweep, slot, settings.BatchSeconds, unreported);
                    if (orders.Count == 0)
                    {
                        continue;
                    }

                    var outcomes = unreported[sweep] = [];
                    foreach (var order in orders)
                    {
                        outcomes.Add(stopping.IsCancellationRequested
                            ? new RunOutcome(order.Key, RunOutcomeKind.Interrupted, 0, null, SiloName)
                            : await ExecuteAsync(order));
                    }

                    worked = true;
                    break;
                }

                if (!worked)
                {
                    await Task.Delay(poll, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // A sweep grain moving after its silo died, a storage hiccup: the outcomes stay unreported and go
                // with the next call; the runs themselves are safe in the store.
                LogSlotError(error, slot);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }

        foreach (var sweep in unreported.Keys.ToArray())
        {
            try
            {
                await TakeAsync(sweep, slot, budgetSeconds: 0, unreported);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // The sweep finds these runs orphaned once this silo is gone, or finished in the store.
                LogSlotError(error, slot);
            }
        }
    }

    /// <summary>
    /// Hands a run to its grain. A call that throws (the grain's silo died under it, a storage error) is an attempt
    /// that failed: the sweep must hear of it, or the run would stay "running" on a silo that is alive.
    /// </summary>
    private async Task<RunOutcome> ExecuteAsync(RunOrder order)
    {
        try
        {
            return await grains.GetGrain<IRunGrain>(order.Key).Execute(order);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogExecuteFailed(error, order.Key);
            return new RunOutcome(order.Key, RunOutcomeKind.Failed, 0, $"{error.GetType().Name}: {error.Message}", SiloName);
        }
    }

    /// <summary>
    /// One call to a sweep. Called only when this slot holds nothing of that sweep beyond <paramref name="unreported"/>
    /// (the sweep relies on it to take back orders whose reply was lost); a failed call keeps the outcomes for the next.
    /// </summary>
    private async Task<IReadOnlyList<RunOrder>> TakeAsync(string sweep, int slot, double budgetSeconds, Dictionary<string, List<RunOutcome>> unreported)
    {
        var finished = unreported.GetValueOrDefault(sweep) ?? [];
        var orders = await grains.GetGrain<ISweepGrain>(sweep).Take(new TakeRequest(SiloName, budgetSeconds, finished, slot));
        unreported.Remove(sweep);
        return orders;
    }

    /// <summary>The registry's active sweeps, asked at most once per few polls for all slots of this silo.</summary>
    private async Task<IReadOnlyList<string>> ActiveSweepsAsync(TimeSpan poll)
    {
        // With work known, refresh about once a second; with none, every poll, so that a new sweep starts at once.
        var maxAge = activeSweeps.Count > 0 ? TimeSpan.FromTicks(Math.Max(poll.Ticks * 4, TimeSpan.FromSeconds(1).Ticks)) : poll;
        if (DateTime.UtcNow - refreshedUtc < maxAge)
        {
            return activeSweeps;
        }

        await refresh.WaitAsync();
        try
        {
            if (DateTime.UtcNow - refreshedUtc >= maxAge)
            {
                var kernel = KernelFactory.ToName(options.Value.Kernel ?? KernelFactory.Best);
                var slots = new SiloSlots(SiloName, Environment.MachineName, pool.Slots, pool.Busy, kernel);
                activeSweeps = await grains.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.ClusterKey).ActiveSweeps(slots);
                refreshedUtc = DateTime.UtcNow;
            }

            return activeSweeps;
        }
        finally
        {
            refresh.Release();
        }
    }

    /// <summary>Slots start at different sweeps, so that concurrent sweeps share a silo.</summary>
    private static IEnumerable<string> Rotate(IReadOnlyList<string> sweeps, int turn)
    {
        for (var index = 0; index < sweeps.Count; index++)
        {
            yield return sweeps[(index + turn) % sweeps.Count];
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo heartbeat to the sweep registry failed")]
    private partial void LogHeartbeatFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Run {RunId}: its grain call failed")]
    private partial void LogExecuteFailed(Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Silo} trains with {Slots} slots")]
    private partial void LogStarted(string silo, int slots);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training slot {Slot} could not reach its sweep; retrying in a second")]
    private partial void LogSlotError(Exception exception, int slot);
}
