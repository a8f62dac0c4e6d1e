using System.Text.Json.Nodes;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Cluster.Tests;

/// <summary>
/// Silos die (kill -9, including the one holding the sweep grain), freeze (SIGSTOP) and leave (SIGTERM), and Redis
/// itself restarts from its append-only file: every run is still committed exactly once, bit-identical to the
/// laptop's result.
/// </summary>
public sealed class SiloFailoverTests(RedisServer server) : IClassFixture<RedisServer>
{
    // Runs of about 4 s each (the Luo task trains at about 1.3 million steps/s on one core), so that a checkpoint
    // (every 0.5 s) is there to resume from when a silo dies.
    private const string SweepYaml = """
        name: failover
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 5000000, lossTolerance: 0}
        axes:
          width: [32, 64]
          gamma: [0.75, 1.25]
        seeds: 3
        """;

    [Fact]
    public void Kill_the_coordinators_silo_freeze_another_restart_redis_every_run_committed_once_and_identical_to_local()
    {
        using var deployment = new Deployment(server);
        var sweep = deployment.WriteSweep("failover", SweepYaml);
        var silos = new List<CliProcess> { deployment.StartSilo(), deployment.StartSilo(), deployment.StartSilo() };
        Assert.Equal(0, deployment.Cli("submit", sweep).ExitCode);
        deployment.WaitForResults(2, TimeSpan.FromSeconds(60));

        // Kill only once every silo's run has a checkpoint (a run grain keeps a state key just while it has one), so
        // that the killed silo's run is one that must resume, whatever the machine's load did to the timing so far.
        var redis = deployment.Connection.GetServer(server.Endpoint);
        Deployment.WaitUntil(() => redis.Keys(pattern: deployment.Prefix + "grain:run/*").Count() >= 3, TimeSpan.FromSeconds(60), "three runs in flight with a checkpoint");

        // kill -9 the silo that holds the sweep grain; a new silo joins in its place.
        var coordinator = deployment.Status("failover")["coordinatorSilo"]!.GetValue<string>();
        var host = silos.Single(silo => silo.Output.Contains(coordinator, StringComparison.Ordinal));
        host.KillHard();
        silos.Remove(host);
        silos.Add(deployment.StartSilo());
        deployment.WaitForResults(5, TimeSpan.FromSeconds(60));

        // Freeze a silo for 15 s: the cluster declares it dead and re-drives its runs; thawed, it leaves by itself.
        var frozen = silos[0];
        frozen.Freeze();
        Thread.Sleep(TimeSpan.FromSeconds(15));
        frozen.Thaw();
        Assert.True(frozen.WaitForExit(TimeSpan.FromSeconds(30)), "a silo the cluster declared dead must exit:\n" + frozen.Output);

        // Redis crashes and comes back from its AOF.
        server.Restart(TimeSpan.FromSeconds(1));
        deployment.WaitForResults(12, TimeSpan.FromSeconds(180));

        var commits = deployment.Commits();
        Assert.Equal(12, commits.Count);
        Assert.All(commits, pair => Assert.True(pair.Value == 1, $"run {pair.Key} committed {pair.Value} times"));
        Assert.Contains("resumes from its checkpoint", deployment.SiloOutput(), StringComparison.Ordinal);
        AssertIdenticalToLocal(deployment, sweep);
        Deployment.WaitUntil(() => deployment.Status("failover")["finished"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "the sweep to say it is finished");
    }

    [Fact]
    public void Sigterm_checkpoints_and_hands_the_running_run_to_another_silo_which_resumes_it()
    {
        using var deployment = new Deployment(server);
        var sweep = deployment.WriteSweep("handover", """
            name: handover
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 20000000, lossTolerance: 0, width: 64}
            seeds: 1
            """);
        var first = deployment.StartSilo();
        Assert.Equal(0, deployment.Cli("submit", sweep).ExitCode);
        Deployment.WaitUntil(() => deployment.Status("handover")["running"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(30), "the run to start");
        Thread.Sleep(2000);
        var second = deployment.StartSilo();

        first.Terminate();
        Assert.True(first.WaitForExit(TimeSpan.FromSeconds(30)), "SIGTERM must stop the silo within its grace");
        Assert.Equal(0, first.ExitCode);
        // Seconds: the leaving silo's run grain answers "interrupted" (never "failed") and steps aside, and an order
        // whose reply the leaving silo swallowed goes back to the queue on the survivor's next call.
        deployment.WaitForResults(1, TimeSpan.FromSeconds(60));

        Assert.Contains("resumes from its checkpoint", second.Output, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(deployment.Commits()).Value);
        AssertIdenticalToLocal(deployment, sweep);
    }

    private static void AssertIdenticalToLocal(Deployment deployment, string sweep)
    {
        var local = Path.Combine(deployment.Directory, "local-" + Guid.NewGuid().ToString("N")[..6]);
        var run = Cli.Run(deployment.Directory, "run", sweep, "--store", local, "--workers", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var localRuns = new DirectoryResultStore(local).ReadAll().ToDictionary(stored => stored.Key, StringComparer.Ordinal);
        var results = deployment.Results();
        Assert.Equal(localRuns.Count, results.Count);
        foreach (var (key, record) in results)
        {
            Assert.Equal(Comparable.Result(localRuns[key].Result!), Comparable.Result(StoredRunJson.Parse(record, key).Result!));
        }
    }
}
