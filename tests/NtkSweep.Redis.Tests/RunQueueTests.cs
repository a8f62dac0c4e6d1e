using NtkSweep.Redis.Queue;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;

namespace NtkSweep.Redis.Tests;

/// <summary>The fenced scripts on their own: who may write, and what happens to a stale owner.</summary>
public sealed class RunQueueTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string Sweep = """
        name: fence
        fixed:
          data: luo1d
          antisymmetric: true
          maxSteps: 300
        axes:
          width: [16, 24]
        """;

    [Fact]
    public async Task Stale_owner_is_fenced_out_of_checkpoints_renewals_and_commits_and_a_result_commits_once()
    {
        using var deployment = new Deployment(server);
        var queue = new RedisRunQueue(deployment.Database, deployment.Keys);
        var sweep = SweepFileParser.Parse(Sweep, "fence.yaml");
        var points = sweep.Expand();
        var submitted = await queue.SubmitAsync(sweep, Sweep, points, deployment.Store);
        Assert.Equal(2, submitted.Enqueued);

        var entry = queue.TryTakeEntry("worker-a", TimeSpan.FromSeconds(1));
        Assert.NotNull(entry);
        var first = queue.Claim(entry, "worker-a", TimeSpan.FromMilliseconds(200));
        Assert.Equal(ClaimStatus.Claimed, first.Status);
        Assert.Equal(ClaimStatus.Held, queue.Claim(entry, "worker-b", TimeSpan.FromSeconds(5)).Status);

        Thread.Sleep(400);
        var reclaimedEntry = queue.TryTakeEntry("worker-b", TimeSpan.FromMilliseconds(300));
        Assert.NotNull(reclaimedEntry);
        Assert.Equal(entry.RunKey, reclaimedEntry.RunKey);
        var second = queue.Claim(reclaimedEntry, "worker-b", TimeSpan.FromSeconds(5));
        Assert.Equal(ClaimStatus.Claimed, second.Status);
        Assert.Equal(first.Run!.Fence + 1, second.Run!.Fence);

        var spec = points.Single(point => point.Key == entry.RunKey).Spec;
        var result = Trainer.Run(spec, KernelPath.Scalar);
        Assert.False(queue.Renew(first.Run, TimeSpan.FromSeconds(5)));
        Assert.False(queue.SaveCheckpoint(first.Run, [1, 2, 3]));
        Assert.Equal(CommitStatus.Fenced, queue.Commit(first.Run, StoredRun.FromResult(entry.RunKey, result)));
        Assert.Null(deployment.Store.TryGet(entry.RunKey));

        Assert.True(queue.Renew(second.Run, TimeSpan.FromSeconds(5)));
        Assert.Equal(CommitStatus.Committed, queue.Commit(second.Run, StoredRun.FromResult(entry.RunKey, result)));
        Assert.Equal(CommitStatus.Duplicate, queue.Commit(second.Run, StoredRun.FromResult(entry.RunKey, result)));
        Assert.Equal(Comparable.Result(result), Comparable.Result(deployment.Store.TryGet(entry.RunKey)!.Result!));
        Assert.Equal((2, 1, 2), deployment.Status.Counters(entry.RunKey));
        Assert.Equal(0L, PendingEntries(deployment, "fence"));
    }

    [Fact]
    public async Task Owner_whose_lease_lapsed_keeps_the_run_when_nobody_claimed_it_and_graceful_release_is_not_an_attempt()
    {
        using var deployment = new Deployment(server);
        var queue = new RedisRunQueue(deployment.Database, deployment.Keys);
        var sweep = SweepFileParser.Parse(Sweep, "fence.yaml");
        await queue.SubmitAsync(sweep, Sweep, sweep.Expand(), deployment.Store);

        var entry = queue.TryTakeEntry("worker-a", TimeSpan.FromSeconds(30))!;
        var claim = queue.Claim(entry, "worker-a", TimeSpan.FromMilliseconds(100)).Run!;
        Thread.Sleep(250);
        Assert.True(queue.Renew(claim, TimeSpan.FromSeconds(5)), "the fence is still current, so the lapsed owner may go on");
        Assert.True(queue.SaveCheckpoint(claim, [42]));

        Assert.True(queue.Release(claim, null));

        // New entries may come first; the released one is handed out at once all the same, long before its lease.
        var taken = new[] { queue.TryTakeEntry("worker-b", TimeSpan.FromSeconds(30)), queue.TryTakeEntry("worker-b", TimeSpan.FromSeconds(30)) };
        var again = Assert.Single(taken, candidate => candidate?.RunKey == entry.RunKey);
        Assert.NotNull(again);
        var reclaim = queue.Claim(again, "worker-b", TimeSpan.FromSeconds(5)).Run!;
        Assert.Equal(1, reclaim.Attempts);
        Assert.Equal([42], queue.LoadCheckpoint(entry.RunKey));
    }

    [Fact]
    public async Task Consumers_of_departed_workers_are_pruned_but_not_those_with_pending_entries_or_alive()
    {
        using var deployment = new Deployment(server);
        var queue = new RedisRunQueue(deployment.Database, deployment.Keys);
        var sweep = SweepFileParser.Parse(Sweep, "fence.yaml");
        var points = sweep.Expand();
        await queue.SubmitAsync(sweep, Sweep, points, deployment.Store);

        var finished = queue.TryTakeEntry("departed", TimeSpan.FromSeconds(30))!;
        var claim = queue.Claim(finished, "departed", TimeSpan.FromSeconds(5)).Run!;
        var spec = points.Single(point => point.Key == finished.RunKey).Spec;
        Assert.Equal(CommitStatus.Committed, queue.Commit(claim, StoredRun.FromResult(finished.RunKey, Trainer.Run(spec, KernelPath.Scalar))));
        Assert.NotNull(queue.TryTakeEntry("holding", TimeSpan.FromSeconds(30)));
        deployment.Database.Execute("XGROUP", "CREATECONSUMER", (string)deployment.Keys.Stream("fence")!, RedisKeys.Group, "alive");
        Thread.Sleep(50);

        Assert.Equal(1, queue.PruneConsumers(new HashSet<string>(["alive"], StringComparer.Ordinal), TimeSpan.FromMilliseconds(10)));
        var consumers = ((StackExchange.Redis.RedisResult[])deployment.Database.Execute("XINFO", "CONSUMERS", (string)deployment.Keys.Stream("fence")!, RedisKeys.Group)!)
            .Select(consumer => (string)((StackExchange.Redis.RedisResult[])consumer!)[1]!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["alive", "holding"], consumers);
    }

    private static long PendingEntries(Deployment deployment, string sweep)
    {
        var reply = (StackExchange.Redis.RedisResult[])deployment.Database.Execute("XPENDING", (string)deployment.Keys.Stream(sweep)!, RedisKeys.Group)!;
        return (long)reply[0];
    }
}
