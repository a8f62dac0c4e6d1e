using System.Diagnostics;
using System.Globalization;
using NtkSweep.Redis.Workers;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using Xunit.Abstractions;

namespace NtkSweep.Redis.Tests;

/// <summary>Owners that die or are stopped: their runs move to another worker and finish bit-identically.</summary>
public sealed class CrashRecoveryTests(RedisServer server, ITestOutputHelper output) : IClassFixture<RedisServer>
{
    /// <summary>One run long enough (seconds) to be interrupted twice, with frequent checkpoints.</summary>
    private const string LongRun = """
        name: long
        fixed:
          data: luo1d
          antisymmetric: true
          width: 128
          gamma: 1.0
          maxSteps: 5000000
          lossTolerance: 0
        """;

    private const int CheckpointSteps = 100000;

    [Fact]
    public void Kill_9_twice_mid_run_the_run_is_reclaimed_after_the_lease_resumed_from_its_checkpoint_and_equals_the_uninterrupted_result()
    {
        using var deployment = new Deployment(server);
        Assert.Equal(0, deployment.Cli("submit", deployment.WriteSweep("long", LongRun)).ExitCode);
        var key = deployment.Store.ReadSweepManifest("long")!.Keys.Single();
        int Checkpoints() => int.Parse(deployment.RunField(key, "checkpoints") ?? "0", CultureInfo.InvariantCulture);
        string? Fence() => deployment.RunField(key, "fence");

        var first = deployment.StartWorker(leaseSeconds: 2, checkpointSteps: CheckpointSteps, maxAttempts: 5);
        Deployment.WaitUntil(() => Fence() == "1" && Checkpoints() >= 2, TimeSpan.FromSeconds(30), "the first worker's checkpoints");
        var second = deployment.StartWorker(leaseSeconds: 2, checkpointSteps: CheckpointSteps, maxAttempts: 5);
        Deployment.WaitUntil(() => second.Output.Contains("Worker ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the second worker to start");
        Assert.Equal("1", Fence());
        Assert.Equal("running", deployment.RunField(key, "state"));

        var membership = new WorkerMembership(deployment.Database, deployment.Keys, TimeSpan.FromSeconds(4));
        Deployment.WaitUntil(() => membership.ReadLive().Any(worker => worker.ProcessId == first.Id && worker.CurrentRuns.Contains(key)), TimeSpan.FromSeconds(10), "the owner's heartbeat to list its run");
        var owner = Assert.Single(membership.ReadLive(), worker => worker.ProcessId == first.Id);
        Assert.Equal([key], owner.CurrentRuns);
        Assert.Equal(KernelSelector.ToName(KernelSelector.FromEnvironment()), owner.KernelPath);

        var clock = Stopwatch.StartNew();
        first.KillHard();
        Deployment.WaitUntil(() => Fence() == "2", TimeSpan.FromSeconds(15), "the run to be reclaimed");
        var firstReclaim = clock.Elapsed;
        Deployment.WaitUntil(() => membership.ReadLive().All(worker => worker.ProcessId != first.Id), TimeSpan.FromSeconds(10), "the killed worker to drop out of the membership");

        var checkpointsAtReclaim = Checkpoints();
        Deployment.WaitUntil(() => Checkpoints() >= checkpointsAtReclaim + 1 + Random.Shared.Next(3), TimeSpan.FromSeconds(30), "the second worker's checkpoints");
        var third = deployment.StartWorker(leaseSeconds: 2, checkpointSteps: CheckpointSteps, maxAttempts: 5);
        Deployment.WaitUntil(() => third.Output.Contains("Worker ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the third worker to start");
        Assert.Equal("running", deployment.RunField(key, "state"));
        clock.Restart();
        second.KillHard();
        Deployment.WaitUntil(() => Fence() == "3", TimeSpan.FromSeconds(15), "the run to be reclaimed again");
        var secondReclaim = clock.Elapsed;
        output.WriteLine($"reclaimed {firstReclaim.TotalSeconds:0.00} s and {secondReclaim.TotalSeconds:0.00} s after kill -9 (lease 2 s)");

        deployment.WaitFinished("long", TimeSpan.FromSeconds(60));
        Assert.InRange(firstReclaim.TotalSeconds, 1.2, 6);
        Assert.InRange(secondReclaim.TotalSeconds, 1.2, 6);
        Assert.Equal((3, 1, 3), deployment.Status.Counters(key));
        Assert.Contains("resuming from a checkpoint", second.Output, StringComparison.Ordinal);
        Assert.Contains("resuming from a checkpoint", third.Output, StringComparison.Ordinal);
        AssertEqualsUninterrupted(deployment, key);
    }

    [Fact]
    public void Sigterm_checkpoints_and_releases_the_lease_and_another_worker_resumes_promptly()
    {
        using var deployment = new Deployment(server);
        Assert.Equal(0, deployment.Cli("submit", deployment.WriteSweep("long", LongRun)).ExitCode);
        var key = deployment.Store.ReadSweepManifest("long")!.Keys.Single();

        // A 10 s lease: the hand-over must come from the release, not from the lease running out.
        var first = deployment.StartWorker(leaseSeconds: 10, checkpointSteps: CheckpointSteps);
        Deployment.WaitUntil(() => deployment.RunField(key, "fence") == "1" && deployment.RunField(key, "checkpoints") is not null, TimeSpan.FromSeconds(30), "the first worker's checkpoint");
        var second = deployment.StartWorker(leaseSeconds: 10, checkpointSteps: CheckpointSteps);
        Deployment.WaitUntil(() => second.Output.Contains("Worker ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the second worker to start");

        var clock = Stopwatch.StartNew();
        first.Terminate();
        Assert.True(first.WaitForExit(TimeSpan.FromSeconds(10)), "the worker did not exit after SIGTERM");
        var exited = clock.Elapsed;
        Deployment.WaitUntil(() => deployment.RunField(key, "fence") == "2", TimeSpan.FromSeconds(8), "another worker to take the released run");
        var handedOver = clock.Elapsed;
        output.WriteLine($"SIGTERM: exited after {exited.TotalSeconds:0.00} s (code {first.ExitCode}), run resumed elsewhere after {handedOver.TotalSeconds:0.00} s (lease 10 s)");

        Assert.Contains("checkpointed and released (True)", first.Output, StringComparison.Ordinal);
        Assert.True(handedOver < TimeSpan.FromSeconds(4), $"hand-over took {handedOver}");
        Assert.Equal("1", deployment.RunField(key, "attempts"));
        deployment.WaitFinished("long", TimeSpan.FromSeconds(60));
        Assert.Contains("resuming from a checkpoint", second.Output, StringComparison.Ordinal);
        Assert.Equal((2, 1, 1), deployment.Status.Counters(key));
        AssertEqualsUninterrupted(deployment, key);
    }

    private static void AssertEqualsUninterrupted(Deployment deployment, string key)
    {
        var stored = deployment.Store.TryGet(key)!;
        var uninterrupted = Trainer.Run(stored.Spec, KernelSelector.FromEnvironment());
        Assert.Equal(Comparable.Result(uninterrupted), Comparable.Result(stored.Result!));
    }
}
