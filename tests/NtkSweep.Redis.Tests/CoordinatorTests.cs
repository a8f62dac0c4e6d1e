using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace NtkSweep.Redis.Tests;

/// <summary>The coordinator process over HTTP: submissions, status JSON, health, and a live report that follows results.</summary>
public sealed class CoordinatorTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const string Sweep = """
        name: served
        description: rendered by the coordinator
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 20000, lossTolerance: 0}
        axes:
          width: [16, 32]
          gamma: [0.5, 1.5]
        report:
          x: gamma
          y: width
        """;

    [Fact]
    public async Task Coordinator_accepts_a_sweep_serves_status_and_health_and_renders_the_same_report_as_the_report_command()
    {
        using var deployment = new Deployment(server);
        var port = RedisServer.FreePort();
        var reports = Path.Combine(deployment.Directory, "live");
        using var coordinator = new WorkerProcess(deployment.Directory, [.. deployment.RedisArgs, "--listen", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--out", reports, "--render-seconds", "0.2"], "coordinator");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}") };
        await WaitForOk(http, "/health", coordinator);
        Assert.Equal("alive\n", await http.GetStringAsync(new Uri("/alive", UriKind.Relative)));

        using var bad = await http.PostAsync(new Uri("/api/sweeps", UriKind.Relative), new StringContent("name: bad\naxes:\n  width: [abc]\n", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var submitted = await http.PostAsync(new Uri("/api/sweeps", UriKind.Relative), new StringContent(Sweep, Encoding.UTF8));
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        Assert.Equal(4, JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!["enqueued"]!.GetValue<int>());

        deployment.StartWorker(leaseSeconds: 2, checkpointSteps: 5000);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonNode status;
        do
        {
            await Task.Delay(100);
            status = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/sweeps/served", UriKind.Relative)))!;
        }
        while (!status["finished"]!.GetValue<bool>() && DateTime.UtcNow < deadline);
        Assert.True(status["finished"]!.GetValue<bool>(), status.ToJsonString());
        Assert.Equal(4, status["states"]!["done"]!.GetValue<int>() + status["states"]!["diverged"]!.GetValue<int>());

        // The live report catches up with the last result within a render interval or two.
        var expectedDirectory = Path.Combine(deployment.Directory, "expected");
        Assert.Equal(0, deployment.Cli("report", "served", "--out", expectedDirectory).ExitCode);
        var expected = Comparable.Report(Path.Combine(expectedDirectory, "report.json"));
        Deployment.WaitUntil(
            () => File.Exists(Path.Combine(reports, "served", "report.json")) && Comparable.Report(Path.Combine(reports, "served", "report.json")) == expected,
            TimeSpan.FromSeconds(15),
            "the live report to include every result");
        var html = await http.GetStringAsync(new Uri("/sweeps/served/report/report.html", UriKind.Relative));
        Assert.Contains("rendered by the coordinator", html, StringComparison.Ordinal);
        Assert.Contains("served", await http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
        using var missing = await http.GetAsync(new Uri("/sweeps/served/report/..%2Fsecret", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Coordinator_without_redis_is_alive_but_not_healthy()
    {
        using var directory = new TemporaryDirectory();
        var port = RedisServer.FreePort();
        var unreachable = $"127.0.0.1:{RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}";
        using var coordinator = new WorkerProcess(directory.Path, ["--redis", unreachable, "--listen", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--out", directory.Path], "coordinator");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}") };
        await WaitForOk(http, "/alive", coordinator);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string body;
        do
        {
            using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            body = await health.Content.ReadAsStringAsync();
        }
        while (!body.Contains("cannot reach Redis", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("cannot reach Redis", body, StringComparison.Ordinal);
    }

    private static async Task WaitForOk(HttpClient http, string path, WorkerProcess process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "the coordinator exited:\n" + process.Output);
            try
            {
                using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{path} did not answer 200 within 30 s:\n{process.Output}");
    }
}
