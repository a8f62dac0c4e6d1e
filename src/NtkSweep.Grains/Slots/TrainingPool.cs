using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace NtkSweep.Grains.Slots;

/// <summary>
/// The silo's training slots: a fixed set of dedicated threads, one run each, beside the Orleans scheduler. Grains hand
/// their CPU work here and await it, so no grain turn ever blocks on training. Stopping the pool cancels every run
/// (each saves a checkpoint first).
/// </summary>
public sealed class TrainingPool : IDisposable
{
    private readonly BlockingCollection<WorkItem> queue = new();
    private readonly Thread[] threads;
    private readonly CancellationTokenSource stopping = new();
    private int busy;

    public TrainingPool(IOptions<EngineOptions> options)
    {
        Slots = options.Value.Slots;
        threads = new Thread[Slots];
        for (var index = 0; index < Slots; index++)
        {
            threads[index] = new Thread(Work) { IsBackground = true, Name = $"ntksweep-slot-{index}" };
            threads[index].Start();
        }
    }

    public int Slots { get; }

    public int Busy => Volatile.Read(ref busy);

    /// <summary>Cancelled when the silo shuts down: every run checkpoints and stops.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>Runs <paramref name="work"/> on a training thread; its token fires on shutdown or on <paramref name="cancellationToken"/>.</summary>
    public Task<T> Run<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var item = new WorkItem(
            () =>
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token, cancellationToken);
                try
                {
                    completion.SetResult(work(linked.Token));
                }
                catch (OperationCanceledException error)
                {
                    completion.SetCanceled(error.CancellationToken);
                }
                catch (Exception error)
                {
                    completion.SetException(error);
                }
            },
            () => completion.TrySetCanceled());
        if (!stopping.IsCancellationRequested && queue.TryAddUnlessCompleted(item))
        {
            return completion.Task;
        }

        // The silo is leaving: work that still reaches it (a call to a run grain activated here) is cancelled, so its
        // run counts as interrupted and moves on, never as a failed attempt.
        completion.TrySetCanceled(stopping.Token);
        return completion.Task;
    }

    /// <summary>Cancels every run; queued work is cancelled without running.</summary>
    public void Stop()
    {
        stopping.Cancel();
        queue.CompleteAdding();
    }

    public void Dispose()
    {
        if (!stopping.IsCancellationRequested)
        {
            Stop();
        }

        foreach (var thread in threads)
        {
            thread.Join(TimeSpan.FromSeconds(30));
        }

        queue.Dispose();
        stopping.Dispose();
    }

    private void Work()
    {
        foreach (var item in queue.GetConsumingEnumerable())
        {
            if (stopping.IsCancellationRequested)
            {
                item.Cancel();
                continue;
            }

            Interlocked.Increment(ref busy);
            try
            {
                item.Execute();
            }
            finally
            {
                Interlocked.Decrement(ref busy);
            }
        }
    }

    private sealed record WorkItem(Action Execute, Action Cancel);
}

internal static class BlockingCollectionExtensions
{
    /// <summary>Adds unless <see cref="BlockingCollection{T}.CompleteAdding"/> was called, even concurrently with this call.</summary>
    public static bool TryAddUnlessCompleted<T>(this BlockingCollection<T> queue, T item)
    {
        try
        {
            return queue.TryAdd(item);
        }
        catch (InvalidOperationException) when (queue.IsAddingCompleted)
        {
            return false;
        }
    }
}
