using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Cluster.Tests;

/// <summary>
/// What a lab operating the cluster relies on, against real silo processes and a real redis-server: the autoscaler's
/// load figure counts every sweep, /metrics serves the cluster's and the silo's figures, `export` writes a local store
/// that `report` reads, and `delete` empties Redis of an exported sweep while keeping what other sweeps share.
/// </summary>
public sealed class OperationsTests(RedisServer server) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task The_load_autoscaling_reads_counts_a_second_sweeps_runs_and_metrics_serve_cluster_and_silo_figures()
    {
        using var deployment = new Deployment(server);
        var port = RedisServer.FreePort();
        deployment.StartSilo(extra: ["--listen", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        const string Long = "fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000000, lossTolerance: 0}\naxes:\n  width: [16, 24, 32]\n";
        Assert.Equal(0, deployment.Cli("submit", deployment.WriteSweep("first", "name: first\n" + Long)).ExitCode);
        Assert.Equal(0, deployment.Cli("submit", deployment.WriteSweep("second", "name: second\n" + Long.Replace("16, 24, 32", "40, 48", StringComparison.Ordinal))).ExitCode);

        // Five runs wait or train, on one slot: an autoscaler reading this wants five slots' worth of silos.
        var load = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)))!;
        Assert.Equal(5, load["outstandingRuns"]!.GetValue<int>());
        Assert.Equal(1, load["slots"]!.GetValue<int>());
        Assert.Equal(["first", "second"], load["activeSweeps"]!.AsArray().Select(name => name!.GetValue<string>()));

        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("ntksweep_cluster_outstanding_runs 5", metrics, StringComparison.Ordinal);
        Assert.Contains("ntksweep_sweep_runs{sweep=\"second\",state=\"pending\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("ntksweep_engine_slots 1", metrics, StringComparison.Ordinal);
        Assert.Contains("microsoft_orleans_", metrics, StringComparison.Ordinal);

        // The operator's page: every sweep with its progress, the silo with its slots, and each sweep's failures page.
        // A slot reports itself busy on its next heartbeat (every second), which may come after the first look.
        var page = "";
        Deployment.WaitUntil(
            () => (page = http.GetStringAsync(new Uri("/", UriKind.Relative)).Result).Contains("1 of 1 slots busy", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "the operator's page to show the training slot busy");
        Assert.Contains("<td>first</td>", page, StringComparison.Ordinal);
        Assert.Contains("<td>second</td>", page, StringComparison.Ordinal);
        Assert.Contains("0 of 2", page, StringComparison.Ordinal);
        Assert.Contains("<h1>second: 0 failed runs</h1>", await http.GetStringAsync(new Uri("/sweeps/second/failures", UriKind.Relative)), StringComparison.Ordinal);
        using (var none = await http.GetAsync(new Uri("/sweeps/nonesuch/failures", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        // Cancelled sweeps want no silos.
        Assert.Equal(0, deployment.Cli("cancel", "first").ExitCode);
        Assert.Equal(0, deployment.Cli("cancel", "second").ExitCode);
        Deployment.WaitUntil(
            () => JsonNode.Parse(http.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)).Result)!["outstandingRuns"]!.GetValue<int>() == 0,
            TimeSpan.FromSeconds(30),
            "cancelled sweeps to want no slots");
    }

    [Fact]
    public void Export_writes_a_store_report_reads_then_delete_empties_redis_of_the_sweep_but_keeps_shared_runs()
    {
        using var deployment = new Deployment(server);
        deployment.StartSilo(slots: 2);
        const string Axes = "fixed: {data: luo1d, antisymmetric: true, maxSteps: 20000}\naxes:\n  width: [16, 32, 48]\n";
        var alone = deployment.WriteSweep("alone", "name: alone\n" + Axes);
        var sharing = deployment.WriteSweep("sharing", "name: sharing\n" + Axes.Replace("16, 32, 48", "48, 64", StringComparison.Ordinal));
        Assert.Equal(0, deployment.Cli("submit", alone).ExitCode);
        Assert.Equal(0, deployment.Cli("submit", sharing).ExitCode);
        deployment.WaitForResults(4, TimeSpan.FromSeconds(60));
        Deployment.WaitUntil(() => deployment.Status("alone")["finished"]!.GetValue<bool>() && deployment.Status("sharing")["finished"]!.GetValue<bool>(), TimeSpan.FromSeconds(30), "both sweeps to finish");

        // Not exported yet: refused, nothing removed.
        var refused = deployment.Cli("delete", "alone");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("error: sweep 'alone' was never exported: run `ntksweep export alone --out STORE` first, or pass --force to delete its results", refused.Stderr.Trim());
        Assert.Equal(4, deployment.Results().Count);

        var store = Path.Combine(deployment.Directory, "exported");
        var export = deployment.Cli("export", "alone", "--out", store);
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.StartsWith($"exported alone to {store}: 3 of 3 runs stored", export.Stdout.Trim(), StringComparison.Ordinal);
        var local = new DirectoryResultStore(store);
        Assert.Equal(3, local.ReadAll().Count);
        foreach (var run in local.ReadAll())
        {
            Assert.Equal(Comparable.Result(StoredRunJson.Parse(deployment.Results()[run.Key], run.Key).Result!), Comparable.Result(run.Result!));
        }

        var report = Cli.Run(deployment.Directory, "report", store, "--out", Path.Combine(deployment.Directory, "report"));
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.True(File.Exists(Path.Combine(deployment.Directory, "report", "alone", "report.html")));

        var deleted = deployment.Cli("delete", "alone");
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Equal("deleted alone: 2 runs removed from " + server.Endpoint + ", 1 kept (other sweeps list them)", deleted.Stdout.Trim());

        // Redis keeps the shared run (width 48) and the other sweep; no key of "alone" is left under the prefix, and
        // no run grain state at all (finished runs clear theirs).
        Assert.Equal(2, deployment.Results().Count);
        Assert.False(deployment.Database.KeyExists(deployment.Keys.Manifest("alone")));
        var redis = deployment.Connection.GetServer(server.Endpoint);
        Assert.DoesNotContain(redis.Keys(pattern: deployment.Prefix + "*"), key => key.ToString().Contains("alone", StringComparison.Ordinal));
        Assert.Empty(redis.Keys(pattern: deployment.Prefix + "grain:run/*"));
        Assert.Equal(2, deployment.Cli("status", "alone").ExitCode);
        Assert.True(deployment.Status("sharing")["finished"]!.GetValue<bool>());
    }

    [Fact]
    public void Deleting_a_cancelled_sweep_clears_the_checkpoints_of_its_interrupted_runs()
    {
        using var deployment = new Deployment(server);
        deployment.StartSilo(slots: 2);
        var sweep = deployment.WriteSweep("stopped", "name: stopped\nfixed: {data: luo1d, antisymmetric: true, maxSteps: 20000000, lossTolerance: 0}\naxes:\n  width: [16, 32, 48]\n");
        Assert.Equal(0, deployment.Cli("submit", sweep).ExitCode);
        var redis = deployment.Connection.GetServer(server.Endpoint);
        var checkpoints = deployment.Prefix + "grain:run/*";
        Deployment.WaitUntil(() => redis.Keys(pattern: checkpoints).Count() >= 2, TimeSpan.FromSeconds(60), "two runs to checkpoint");

        // Cancelled, the two runs stop as interrupted (their attempts taken back) and keep their checkpoints.
        Assert.Equal(0, deployment.Cli("cancel", "stopped").ExitCode);
        Deployment.WaitUntil(() => deployment.Status("stopped")["running"]!.GetValue<int>() == 0, TimeSpan.FromSeconds(30), "the runs to stop");
        Assert.True(redis.Keys(pattern: checkpoints).Count() >= 2);

        var deleted = deployment.Cli("delete", "stopped", "--force");
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        Assert.Equal("deleted stopped: 3 runs removed from " + server.Endpoint + ", 0 kept (other sweeps list them)", deleted.Stdout.Trim());
        Assert.Empty(redis.Keys(pattern: checkpoints));
        Assert.DoesNotContain(redis.Keys(pattern: deployment.Prefix + "*"), key => key.ToString().Contains("stopped", StringComparison.Ordinal));
    }
}
