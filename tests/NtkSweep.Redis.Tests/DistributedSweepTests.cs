using System.Text.Json.Nodes;

namespace NtkSweep.Redis.Tests;

/// <summary>Real `ntksweep` worker processes against a real Redis: the sweep finishes, each run commits once.</summary>
public sealed class DistributedSweepTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string PairSweep = """
        name: pair
        description: two workers share it
        fixed:
          data: luo1d
          antisymmetric: true
          maxSteps: 300000
          lossTolerance: 0
        axes:
          width: [16, 32]
          gamma: [0.5, 1.0, 1.5]
        seeds: 2
        report:
          x: gamma
          y: width
        """;

    [Fact]
    public async Task Two_worker_processes_finish_a_sweep_each_run_committed_once_and_the_report_equals_local_mode()
    {
        using var deployment = new Deployment(server);
        var first = deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 5000, healthPort: RedisServer.FreePort());
        var second = deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 5000);
        Deployment.WaitUntil(() => new Workers.WorkerMembership(deployment.Database, deployment.Keys, TimeSpan.FromSeconds(4)).ReadLive().Count == 2, TimeSpan.FromSeconds(30), "both workers to register");

        var sweepPath = deployment.WriteSweep("pair", PairSweep);
        var submit = deployment.Cli("submit", sweepPath);
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        Assert.Contains("12 runs, 12 enqueued", submit.Stdout, StringComparison.Ordinal);

        var status = deployment.WaitFinished("pair", TimeSpan.FromSeconds(90));
        Assert.Equal(12, status.Done + status.Diverged);
        Assert.Equal(0, status.Failed);
        foreach (var key in deployment.Store.ReadSweepManifest("pair")!.Keys)
        {
            Assert.Equal((1, 1, 1), deployment.Status.Counters(key));
        }

        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{first.HealthPort}") })
        {
            using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
        }

        Assert.True(first.Output.Contains("committed", StringComparison.Ordinal), "the first worker committed nothing:\n" + first.Output);
        Assert.True(second.Output.Contains("committed", StringComparison.Ordinal), "the second worker committed nothing:\n" + second.Output);

        var statusJson = deployment.Cli("status", "pair", "--json");
        Assert.True(statusJson.ExitCode == 0, statusJson.Stderr);
        var parsed = JsonNode.Parse(statusJson.Stdout)!;
        Assert.True(parsed["finished"]!.GetValue<bool>());
        Assert.Equal(12, parsed["states"]!["done"]!.GetValue<int>() + parsed["states"]!["diverged"]!.GetValue<int>());
        Assert.Equal(2, parsed["workers"]!.AsArray().Count);

        var redisReport = Path.Combine(deployment.Directory, "redis-report");
        var report = deployment.Cli("report", "pair", "--out", redisReport);
        Assert.True(report.ExitCode == 0, report.Stderr);

        var localStore = Path.Combine(deployment.Directory, "local");
        var local = Cli.Run(deployment.Directory, "run", sweepPath, "--store", localStore, "--workers", "2");
        Assert.True(local.ExitCode == 0, local.Stderr);
        Assert.Equal(
            Comparable.Report(Path.Combine(localStore, "report", "report.json")),
            Comparable.Report(Path.Combine(redisReport, "report.json")));
    }

    [Fact]
    public void Submitting_twice_and_an_overlapping_sweep_executes_no_run_twice()
    {
        using var deployment = new Deployment(server);
        var sweepA = deployment.WriteSweep("first", """
            name: first
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000}
            axes:
              width: [16, 32]
            seeds: 2
            """);
        var sweepB = deployment.WriteSweep("second", """
            name: second
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000}
            axes:
              width: [32, 48]
            seeds: 2
            """);

        Assert.Contains("4 runs, 4 enqueued, 0 already stored, 0 already queued", deployment.Cli("submit", sweepA).Stdout, StringComparison.Ordinal);
        Assert.Contains("4 runs, 0 enqueued, 0 already stored, 4 already queued", deployment.Cli("submit", sweepA).Stdout, StringComparison.Ordinal);
        Assert.Contains("4 runs, 2 enqueued, 0 already stored, 2 already queued", deployment.Cli("submit", sweepB).Stdout, StringComparison.Ordinal);

        deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 1000);
        deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 1000);
        deployment.WaitFinished("first", TimeSpan.FromSeconds(60));
        deployment.WaitFinished("second", TimeSpan.FromSeconds(60));

        var keys = deployment.Store.ReadSweepManifest("first")!.Keys.Union(deployment.Store.ReadSweepManifest("second")!.Keys).ToArray();
        Assert.Equal(6, keys.Length);
        foreach (var key in keys)
        {
            Assert.Equal((1, 1, 1), deployment.Status.Counters(key));
        }

        Assert.Contains("4 runs, 0 enqueued, 4 already stored, 0 already queued", deployment.Cli("submit", sweepB).Stdout, StringComparison.Ordinal);
        Assert.Equal(4L, (long)deployment.Database.Execute("XLEN", (string)deployment.Keys.Stream("first")!));
    }

    [Fact]
    public void A_run_whose_queued_spec_is_corrupt_fails_after_max_attempts_with_its_error_and_the_rest_completes()
    {
        using var deployment = new Deployment(server);
        var sweep = deployment.WriteSweep("poison", """
            name: poison
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 2000}
            axes:
              width: [16, 24, 32]
            """);
        Assert.Equal(0, deployment.Cli("submit", sweep).ExitCode);
        var keys = deployment.Store.ReadSweepManifest("poison")!.Keys;
        var poisoned = keys[1];
        deployment.Database.HashSet(deployment.Keys.Run(poisoned), "spec", deployment.RunField(keys[0], "spec"));

        deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 1000, maxAttempts: 2);
        var status = deployment.WaitFinished("poison", TimeSpan.FromSeconds(60));

        Assert.Equal(2, status.Done + status.Diverged);
        var failure = Assert.Single(status.Failures);
        Assert.Equal(poisoned, failure.Key);
        Assert.Contains("does not hash to its run key", failure.Error, StringComparison.Ordinal);
        Assert.Equal("2", deployment.RunField(poisoned, "attempts"));

        var json = JsonNode.Parse(deployment.Cli("status", "poison", "--json").Stdout)!;
        Assert.Equal(1, json["states"]!["failed"]!.GetValue<int>());
        Assert.True(json["finished"]!.GetValue<bool>());

        // Resubmitting leaves the failure alone; --retry-failed queues the (now repaired) run afresh.
        Assert.Contains("3 runs, 0 enqueued, 2 already stored, 0 already queued, 1 failed before (--retry-failed runs them again)", deployment.Cli("submit", sweep).Stdout, StringComparison.Ordinal);
        Assert.Contains("3 runs, 1 enqueued, 2 already stored, 0 already queued, 0 failed before", deployment.Cli("submit", sweep, "--retry-failed").Stdout, StringComparison.Ordinal);
        Assert.Equal(3, deployment.WaitFinished("poison", TimeSpan.FromSeconds(60)).Done);
    }
}
