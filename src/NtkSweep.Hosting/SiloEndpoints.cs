using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NtkSweep.Grains;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Store;
using Orleans;
using Prometheus;
using StackExchange.Redis;

namespace NtkSweep.Hosting;

/// <summary>
/// The silo's HTTP surface behind <c>--listen</c>: <c>/alive</c> (the process runs), <c>/health</c> (the silo is in
/// the cluster and Redis answers), <c>/api/sweeps[/NAME]</c> (status JSON; POST a sweep file to submit it),
/// <c>/api/cluster</c> (the load autoscaling reads: outstanding runs, slots), <c>/metrics</c> (Prometheus),
/// <c>/</c> and <c>/sweeps/NAME/failures</c> (the operator page, see <see cref="OperatorPage"/>) and <c>/sweeps/NAME/report/</c> (the live phase report, rebuilt at most every
/// few seconds). Maps requests onto grains and the result store; nothing else.
/// </summary>
public static partial class SiloEndpoints
{
    /// <summary>Where autoscalers read the cluster's load (deploy/k8s/overlays/cluster points KEDA here).</summary>
    public const string ClusterLoadPath = "/api/cluster";

    /// <summary>Where Prometheus scrapes the silo (the silo pods' prometheus.io/path annotation).</summary>
    public const string MetricsPath = "/metrics";

    private static readonly string[] ReportFiles = ["report.html", "report.json", "cells.csv", "runs.csv"];

    [System.Text.RegularExpressions.GeneratedRegex("^figure-[0-9]{2,3}\\.(svg|png)$")]
    private static partial System.Text.RegularExpressions.Regex FigureFile();

    [System.Text.RegularExpressions.GeneratedRegex("^cell-[0-9]{3,5}\\.html$")]
    private static partial System.Text.RegularExpressions.Regex CellPage();
    private static readonly TimeSpan ReportMaxAge = TimeSpan.FromSeconds(5);

    public static WebApplication MapNtkSweepEndpoints(this WebApplication app)
    {
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var store = app.Services.GetRequiredService<IResultStore>();
        var reports = Path.Combine(Path.GetTempPath(), $"ntksweep-live-{Environment.ProcessId}");
        app.MapGet("/alive", () => Results.Text("alive\n"));
        app.MapGet("/health", async () =>
        {
            try
            {
                var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();
                var ping = await redis.GetDatabase().PingAsync();
                var cluster = await Registry(grains).GetStatus();
                return Results.Json(new { status = "healthy", redisPingMilliseconds = ping.TotalMilliseconds, silos = cluster.Silos.Count });
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                return Results.Json(new { status = "unhealthy", error = error.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        app.MapGet("/api/sweeps", async () => Results.Text(await StatusAsync(grains, null), "application/json"));
        app.MapGet(ClusterLoadPath, async () =>
        {
            var load = await ClusterLoad.ReadAsync(grains);
            return Results.Text(SweepStatusJson.WriteLoad(load), "application/json");
        });
        ClusterMetrics.Register(grains);
        app.MapMetrics(MetricsPath);
        app.MapGet("/api/sweeps/{name}", async (string name) =>
        {
            var status = await grains.GetGrain<ISweepGrain>(name).GetStatus();
            return status.Exists ? Results.Text(await StatusAsync(grains, name), "application/json") : Results.NotFound(new { error = $"no sweep named '{name}'" });
        });
        app.MapPost("/api/sweeps", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            SweepDefinition sweep;
            try
            {
                sweep = SweepFileParser.Parse(text, "request.yaml");
            }
            catch (SweepFileException error)
            {
                return Results.BadRequest(new { error = error.Message });
            }

            var status = await grains.GetGrain<ISweepGrain>(sweep.Name).Submit(new SweepSubmission(sweep.Name, text, "request.yaml", RetryFailed: false));
            return Results.Json(new { name = status.Name, runs = status.Counts.Total, alreadyStored = status.Reused, finished = status.Finished });
        });
        app.MapGet("/sweeps/{name}/report", (string name) => Results.Redirect($"/sweeps/{Uri.EscapeDataString(name)}/report/report.html"));
        app.MapGet("/sweeps/{name}/report/{file}", async (string name, string file) =>
        {
            if (!ReportFiles.Contains(file, StringComparer.Ordinal))
            {
                return Results.NotFound();
            }

            var directory = await Task.Run(() => LiveReport(store, reports, name));
            if (directory is null)
            {
                return Results.NotFound(new { error = $"no sweep named '{name}'" });
            }

            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".json" => "application/json",
                _ => "text/csv",
            };
            return Results.File(Path.Combine(directory, file), type);
        });
        app.MapGet("/sweeps/{name}/report/figures/{file}", (string name, string file) => ReportPart(reports, name, "figures", file, FigureFile(), file.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/svg+xml"));
        app.MapGet("/sweeps/{name}/report/cells/{file}", (string name, string file) => ReportPart(reports, name, "cells", file, CellPage(), "text/html; charset=utf-8"));
        app.MapGet("/", async () => Results.Content(OperatorPage.Index(await ClusterLoad.ReadAsync(grains)), "text/html; charset=utf-8"));
        app.MapGet("/sweeps/{name}/failures", async (string name) =>
        {
            var status = await grains.GetGrain<ISweepGrain>(name).GetStatus();
            return status.Exists ? Results.Content(OperatorPage.Failures(status), "text/html; charset=utf-8") : Results.NotFound(new { error = $"no sweep named '{name}'" });
        });
        return app;
    }

    public static async Task<string> StatusAsync(IGrainFactory grains, string? name)
    {
        var cluster = await Registry(grains).GetStatus();
        var names = name is null ? cluster.Sweeps : [name];
        var sweeps = await Task.WhenAll(names.Select(sweep => grains.GetGrain<ISweepGrain>(sweep).GetStatus()));
        return SweepStatusJson.Write(sweeps, cluster);
    }

    private static ISweepRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.ClusterKey);

    /// <summary>
    /// A figure or cell page as the last rebuild of the live report left it; names are checked against their pattern
    /// and the path against the reports folder, never joined blindly.
    /// </summary>
    private static IResult ReportPart(string reports, string name, string folder, string file, System.Text.RegularExpressions.Regex pattern, string contentType)
    {
        if (!pattern.IsMatch(file))
        {
            return Results.NotFound();
        }

        var path = Path.Combine(reports, name, folder, file);
        return File.Exists(path) && Path.GetFullPath(path).StartsWith(Path.GetFullPath(reports), StringComparison.Ordinal)
            ? Results.File(path, contentType)
            : Results.NotFound();
    }

    private static readonly Lock ReportGate = new();

    private static string? LiveReport(IResultStore store, string root, string name)
    {
        var manifest = store.ReadSweepManifests().FirstOrDefault(candidate => candidate.Name == name);
        if (manifest is null)
        {
            return null;
        }

        var directory = Path.Combine(root, name);
        lock (ReportGate)
        {
            var html = Path.Combine(directory, "report.html");
            if (!File.Exists(html) || DateTime.UtcNow - File.GetLastWriteTimeUtc(html) > ReportMaxAge)
            {
                var (sweep, runs) = SweepReport.FromManifest(manifest, store);
                SweepReport.Write(sweep, runs, directory);
            }
        }

        return directory;
    }
}
