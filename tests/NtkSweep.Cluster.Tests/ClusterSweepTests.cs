using System.Text.Json.Nodes;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Cluster.Tests;

/// <summary>Real `ntksweep silo` processes clustered on a real redis-server run a sweep as the laptop would.</summary>
public sealed class ClusterSweepTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string SweepYaml = """
        name: pair
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000}
        axes:
          width: [16, 32, 64]
          gamma: [0.5, 1.0, 1.5]
        seeds: 2
        """;

    [Fact]
    public void Two_silos_refine_a_sweep_to_the_same_runs_as_local_mode()
    {
        using var deployment = new Deployment(server);
        var sweep = deployment.WriteSweep("refined", """
            name: refined
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000, lossTolerance: 1e-5}
            axes: {width: [64, 256, 1024], gammaPrime: {linspace: [-0.5, 1.5, 3]}, gamma: {linspace: [0.5, 2.5, 3]}}
            refine: {x: gammaPrime, y: gamma, levels: 1}
            seeds: 2
            """);
        deployment.StartSilo();
        deployment.StartSilo();

        Assert.Equal(0, deployment.Cli("submit", sweep).ExitCode);
        Deployment.WaitUntil(() => deployment.Status("refined")["finished"]!.GetValue<bool>(), TimeSpan.FromSeconds(120), "the refined sweep to finish");

        var local = Path.Combine(deployment.Directory, "local");
        Assert.Equal(0, Cli.Run(deployment.Directory, "run", sweep, "--store", local, "--workers", "2").ExitCode);
        var localKeys = new DirectoryResultStore(local).ReadAll().Select(run => run.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.True(localKeys.Length > 54, $"{localKeys.Length} runs: refinement must add to the 54 of the coarse grid");
        Assert.Equal(localKeys, deployment.Results().Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.All(deployment.Commits().Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Two_silos_finish_a_sweep_with_every_run_committed_once_and_results_bit_identical_to_local_mode()
    {
        using var deployment = new Deployment(server);
        var sweep = deployment.WriteSweep("pair", SweepYaml);
        deployment.StartSilo();
        deployment.StartSilo();

        var submitted = deployment.Cli("submit", sweep);
        Assert.True(submitted.ExitCode == 0, submitted.Stderr);
        Assert.Contains("18 runs, 18 to run", submitted.Stdout, StringComparison.Ordinal);
        deployment.WaitForResults(18, TimeSpan.FromSeconds(90));
        Deployment.WaitUntil(() => deployment.Status("pair")["finished"]!.GetValue<bool>(), TimeSpan.FromSeconds(20), "the sweep to say it is finished");

        Assert.All(deployment.Commits().Values, count => Assert.Equal(1, count));
        Assert.Equal(18, deployment.Commits().Count);
        var status = deployment.Status("pair");
        Assert.Equal(18, status["done"]!.GetValue<int>() + status["diverged"]!.GetValue<int>());
        var cluster = JsonNode.Parse(deployment.Cli("status", "--json").Stdout)!;
        Assert.Equal(2, cluster["silos"]!.AsArray().Count);
        Assert.Equal(2, cluster["slots"]!.GetValue<int>());

        // The same file on the laptop's in-process silo gives the same bits.
        var local = Path.Combine(deployment.Directory, "local");
        var run = Cli.Run(deployment.Directory, "run", sweep, "--store", local, "--workers", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var localRuns = new DirectoryResultStore(local).ReadAll().ToDictionary(stored => stored.Key, StringComparer.Ordinal);
        foreach (var (key, record) in deployment.Results())
        {
            var clustered = StoredRunJson.Parse(record, key);
            Assert.Equal(Comparable.Result(localRuns[key].Result!), Comparable.Result(clustered.Result!));
        }

        // Submitting again adds nothing, and the report of the cluster equals the local one.
        var again = deployment.Cli("submit", sweep);
        Assert.Contains("18 runs, 0 to run, 18 already stored", again.Stdout, StringComparison.Ordinal);
        var reportDirectory = Path.Combine(deployment.Directory, "report");
        var report = deployment.Cli("report", "pair", "--out", reportDirectory);
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Equal(Comparable.Report(Path.Combine(local, "report", "report.json")), Comparable.Report(Path.Combine(reportDirectory, "report.json")));
    }

    [Fact]
    public void Overlapping_sweeps_share_their_runs_and_cancel_stops_a_sweep_until_it_is_submitted_again()
    {
        using var deployment = new Deployment(server);
        var first = deployment.WriteSweep("first", """
            name: first
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000}
            axes:
              width: [16, 32]
            seeds: 2
            """);
        var second = deployment.WriteSweep("second", """
            name: second
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000}
            axes:
              width: [16, 32, 48]
            seeds: 2
            """);
        var slow = deployment.WriteSweep("slow", """
            name: slow
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 5000000, lossTolerance: 0}
            axes:
              width: [64, 96, 128]
            seeds: 2
            """);
        deployment.StartSilo();

        Assert.Equal(0, deployment.Cli("submit", first).ExitCode);
        Assert.Equal(0, deployment.Cli("submit", second).ExitCode);
        deployment.WaitForResults(6, TimeSpan.FromSeconds(60));
        Deployment.WaitUntil(() => deployment.Status("second")["finished"]!.GetValue<bool>() && deployment.Status("first")["finished"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "both sweeps finished");
        Assert.Equal(6, deployment.Commits().Count);
        Assert.All(deployment.Commits().Values, count => Assert.Equal(1, count));

        Assert.Equal(0, deployment.Cli("submit", slow).ExitCode);
        Deployment.WaitUntil(() => deployment.Status("slow")["running"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(30), "a slow run to start");
        var cancelled = deployment.Cli("cancel", "slow");
        Assert.True(cancelled.ExitCode == 0, cancelled.Stderr);
        Deployment.WaitUntil(() => deployment.Status("slow")["finished"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "the cancelled sweep to stop");
        var stopped = deployment.Status("slow");
        Assert.True(stopped["cancelled"]!.GetValue<bool>());
        Assert.Equal(0, stopped["running"]!.GetValue<int>());
        Assert.True(stopped["pending"]!.GetValue<int>() >= 5, stopped.ToJsonString());
        var resultsWhenCancelled = deployment.Results().Count;
        Thread.Sleep(1500);
        Assert.Equal(resultsWhenCancelled, deployment.Results().Count);

        var unknown = deployment.Cli("cancel", "nonesuch");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no sweep named 'nonesuch'", unknown.Stderr, StringComparison.Ordinal);
    }
}
