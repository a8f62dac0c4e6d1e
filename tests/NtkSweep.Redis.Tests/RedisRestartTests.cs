using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using StackExchange.Redis;

namespace NtkSweep.Redis.Tests;

/// <summary>Redis itself crashes mid-sweep and comes back from its append-only file.</summary>
public sealed class RedisRestartTests(RedisServer server) : IClassFixture<RedisServer>
{
    [Fact]
    public void Redis_killed_and_restarted_with_AOF_mid_sweep_workers_reconnect_and_finish_and_nothing_is_lost_or_committed_twice()
    {
        using var deployment = new Deployment(server);
        var sweep = deployment.WriteSweep("restart", """
            name: restart
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 300000, lossTolerance: 0}
            axes:
              width: [32, 64]
              gamma: [0.5, 1.0, 1.5]
            seeds: 2
            """);
        Assert.Equal(0, deployment.Cli("submit", sweep).ExitCode);
        deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 50000);
        deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 50000);
        Deployment.WaitUntil(() => Committed(deployment) >= 3, TimeSpan.FromSeconds(60), "three commits before the restart");

        server.Restart(TimeSpan.FromSeconds(1));
        var status = deployment.WaitFinished("restart", TimeSpan.FromSeconds(90));

        Assert.Equal(12, status.Done + status.Diverged);
        foreach (var run in deployment.Store.GetMany(deployment.Store.ReadSweepManifest("restart")!.Keys))
        {
            Assert.Equal(1, deployment.Status.Counters(run.Key).Commits);
            Assert.Equal(Comparable.Result(Trainer.Run(run.Spec, KernelSelector.FromEnvironment())), Comparable.Result(run.Result!));
        }
    }

    private static long Committed(Deployment deployment)
    {
        try
        {
            return deployment.Database.SortedSetLength(deployment.Keys.Commits);
        }
        catch (RedisConnectionException)
        {
            return 0;
        }
    }
}
