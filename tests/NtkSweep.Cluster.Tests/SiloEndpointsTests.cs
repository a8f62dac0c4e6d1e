using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace NtkSweep.Cluster.Tests;

/// <summary>A silo with --listen serves liveness, readiness, status JSON, submissions and the live report.</summary>
public sealed class SiloEndpointsTests(RedisServer server) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_listening_silo_serves_alive_health_status_a_posted_sweep_and_its_report()
    {
        using var deployment = new Deployment(server);
        var port = RedisServer.FreePort();
        deployment.StartSilo(extra: ["--listen", $"http://127.0.0.1:{port}"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal("alive\n", await http.GetStringAsync(new Uri("/alive", UriKind.Relative)));
        using (var health = await http.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Contains("healthy", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var bad = await http.PostAsync(new Uri("/api/sweeps", UriKind.Relative), new StringContent("name: bad\nfixed:\n  widht: 3\n", Encoding.UTF8)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("widht", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        const string Yaml = "name: posted\nfixed: {data: luo1d, antisymmetric: true, maxSteps: 500}\naxes:\n  width: [16, 32]\n";
        using (var posted = await http.PostAsync(new Uri("/api/sweeps", UriKind.Relative), new StringContent(Yaml, Encoding.UTF8)))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
            Assert.Equal(2, JsonNode.Parse(await posted.Content.ReadAsStringAsync())!["runs"]!.GetValue<int>());
        }

        deployment.WaitForResults(2, TimeSpan.FromSeconds(60));
        Deployment.WaitUntil(
            () => JsonNode.Parse(http.GetStringAsync(new Uri("/api/sweeps/posted", UriKind.Relative)).Result)!["sweeps"]![0]!["finished"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(20),
            "the posted sweep to finish");
        var all = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/sweeps", UriKind.Relative)))!;
        Assert.Equal("posted", all["sweeps"]![0]!["name"]!.GetValue<string>());
        Assert.Single(all["silos"]!.AsArray());

        var report = await http.GetStringAsync(new Uri("/sweeps/posted/report/report.html", UriKind.Relative));
        Assert.Contains("<svg", report, StringComparison.Ordinal);
        // The report's relative figure links resolve on the silo too.
        Assert.Contains("href=\"figures/figure-01.svg\"", report, StringComparison.Ordinal);
        using var figure = await http.GetAsync(new Uri("/sweeps/posted/report/figures/figure-01.svg", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, figure.StatusCode);
        Assert.StartsWith("<?xml", await figure.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var png = await http.GetAsync(new Uri("/sweeps/posted/report/figures/figure-01.png", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        using var cellPage = await http.GetAsync(new Uri("/sweeps/posted/report/cells/cell-000.html", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, cellPage.StatusCode);
        using var traversal = await http.GetAsync(new Uri("/sweeps/posted/report/figures/..%2F..%2Fsecret.svg", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
        var runs = await http.GetStringAsync(new Uri("/sweeps/posted/report/runs.csv", UriKind.Relative));
        Assert.Equal(3, runs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        using var missing = await http.GetAsync(new Uri("/api/sweeps/nonesuch", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("posted", await http.GetStringAsync(new Uri("/", UriKind.Relative)), StringComparison.Ordinal);
    }
}
