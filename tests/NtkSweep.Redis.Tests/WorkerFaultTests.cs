using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Queue;
using NtkSweep.Redis.Workers;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Redis.Tests;

/// <summary>Workers in this process with a training function that misbehaves on purpose.</summary>
public sealed class WorkerFaultTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string Sweep = """
        name: faults
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 1000}
        axes:
          width: [16, 24, 32]
        """;

    [Fact]
    public async Task A_slow_but_alive_worker_keeps_its_runs_no_second_owner_while_it_renews()
    {
        using var deployment = new Deployment(server);
        var points = await Submit(deployment);
        var executions = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        RunResult Slow(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions checkpoints, CancellationToken token)
        {
            executions.AddOrUpdate(RunKey.For(spec), 1, (_, count) => count + 1);

            // Three leases long: only renewals keep the run with its owner.
            Task.Delay(TimeSpan.FromSeconds(4.5), token).GetAwaiter().GetResult();
            return Trainer.Run(spec, path, resumeFrom, checkpoints, token);
        }

        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 3)
            .Select(_ => new RedisSweepWorker(Options(deployment, leaseSeconds: 1.5), 1, KernelPath.Scalar, NullLogger.Instance, Slow).RunAsync(stop.Token))
            .ToArray();
        var status = deployment.WaitFinished("faults", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Equal(3, status.Done + status.Diverged);
        foreach (var point in points)
        {
            Assert.Equal(1, executions[point.Key]);
            Assert.Equal((1, 1, 1), deployment.Status.Counters(point.Key));
        }
    }

    [Fact]
    public async Task A_run_that_throws_every_time_is_failed_with_its_last_error_after_max_attempts_and_the_rest_completes()
    {
        using var deployment = new Deployment(server);
        var points = await Submit(deployment);
        var poison = points.Single(point => point.Spec.Width == 24).Key;
        var attempts = 0;
        RunResult Faulty(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions checkpoints, CancellationToken token)
        {
            if (spec.Width == 24)
            {
                throw new InvalidOperationException($"boom {Interlocked.Increment(ref attempts)}");
            }

            return Trainer.Run(spec, path, resumeFrom, checkpoints, token);
        }

        using var stop = new CancellationTokenSource();
        var options = Options(deployment, leaseSeconds: 2);
        options.MaxAttempts = 3;
        var worker = new RedisSweepWorker(options, 2, KernelPath.Scalar, NullLogger.Instance, Faulty).RunAsync(stop.Token);
        var status = deployment.WaitFinished("faults", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await worker;

        Assert.Equal(2, status.Done + status.Diverged);
        var failure = Assert.Single(status.Failures);
        Assert.Equal(poison, failure.Key);
        Assert.Equal("InvalidOperationException: boom 3", failure.Error);
        Assert.Equal(3, attempts);
        var stored = deployment.Store.TryGet(poison);
        Assert.NotNull(stored);
        Assert.Equal(RunState.Failed, stored.State);
        Assert.Equal("InvalidOperationException: boom 3", stored.Error);
    }

    [Fact]
    public async Task A_run_whose_owners_keep_dying_is_failed_after_max_attempts_and_the_rest_completes()
    {
        using var deployment = new Deployment(server);
        var points = await Submit(deployment);
        var queue = new RedisRunQueue(deployment.Database, deployment.Keys);
        var victim = queue.TryTakeEntry("doomed", TimeSpan.FromSeconds(30))!;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // An owner that claims the run and dies: no renewals, no release, no commit.
            var entry = attempt == 1 ? victim : queue.TryTakeEntry("doomed", TimeSpan.FromMilliseconds(150));
            Assert.Equal(victim.RunKey, entry?.RunKey);
            Assert.Equal(ClaimStatus.Claimed, queue.Claim(entry!, "doomed", TimeSpan.FromMilliseconds(100)).Status);
            Thread.Sleep(300);
        }

        using var stop = new CancellationTokenSource();
        var options = Options(deployment, leaseSeconds: 2);
        options.MaxAttempts = 3;
        var worker = new RedisSweepWorker(options, 1, KernelPath.Scalar, NullLogger.Instance).RunAsync(stop.Token);
        var status = deployment.WaitFinished("faults", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await worker;

        Assert.Equal(points.Count - 1, status.Done + status.Diverged);
        var failure = Assert.Single(status.Failures);
        Assert.Equal(victim.RunKey, failure.Key);
        Assert.Equal("gave up after 3 attempts: its worker died during every attempt", failure.Error);
        Assert.Equal((4, 1, 4), deployment.Status.Counters(victim.RunKey));
    }

    private static async Task<IReadOnlyList<SweepPoint>> Submit(Deployment deployment)
    {
        var sweep = SweepFileParser.Parse(Sweep, "faults.yaml");
        var points = sweep.Expand();
        await new RedisRunQueue(deployment.Database, deployment.Keys).SubmitAsync(sweep, Sweep, points, deployment.Store);
        return points;
    }

    private static RedisOptions Options(Deployment deployment, double leaseSeconds) => new()
    {
        Connection = deployment.Server.Endpoint,
        KeyPrefix = deployment.Prefix,
        LeaseSeconds = leaseSeconds,
        CheckpointSteps = 200,
        PollSeconds = 0.05,
    };
}
