using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Coordination;
using NtkSweep.Redis.Status;
using NtkSweep.Sweeps.Files;
using StackExchange.Redis;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// The coordinator's HTTP surface: <c>/alive</c> (the process runs), <c>/health</c> (Redis answers),
/// <c>/api/sweeps[/NAME]</c> (status JSON; POST a sweep file to submit it), <c>/</c> (an index) and
/// <c>/sweeps/NAME/report/</c> (the live phase report). Only maps requests onto <see cref="LiveSweepCoordinator"/>.
/// </summary>
internal static class CoordinatorEndpoints
{
    private static readonly string[] ReportFiles = ["report.html", "report.json", "cells.csv", "runs.csv"];

    public static void Map(WebApplication app, LiveSweepCoordinator coordinator)
    {
        app.MapGet("/alive", () => Results.Text("alive\n"));
        app.MapGet("/health", () => Guarded(() =>
        {
            var ping = coordinator.Ping();
            return Results.Json(new { status = "healthy", redisPingMilliseconds = ping.TotalMilliseconds });
        }));
        app.MapGet("/api/sweeps", () => Guarded(() =>
        {
            var (sweeps, workers) = coordinator.ReadStatus(null);
            return Results.Text(SweepStatusJson.Write(null, sweeps, workers), "application/json");
        }));
        app.MapGet("/api/sweeps/{name}", (string name) => Guarded(() =>
        {
            var (sweeps, workers) = coordinator.ReadStatus(name);
            return sweeps.Count == 0
                ? Results.NotFound(new { error = $"no sweep named '{name}'" })
                : Results.Text(SweepStatusJson.Write(sweeps[0], sweeps, workers), "application/json");
        }));
        app.MapPost("/api/sweeps", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync().ConfigureAwait(false);
            try
            {
                var outcome = await coordinator.SubmitAsync(text).ConfigureAwait(false);
                return Results.Json(new { runs = outcome.Runs, enqueued = outcome.Enqueued, alreadyStored = outcome.AlreadyStored, alreadyQueued = outcome.AlreadyQueued, failedBefore = outcome.FailedBefore });
            }
            catch (SweepFileException error)
            {
                return Results.BadRequest(new { error = error.Message });
            }
            catch (Exception error) when (error is RedisSetupException or RedisException or TimeoutException)
            {
                return Unavailable(error);
            }
        });
        app.MapGet("/sweeps/{name}/report", (string name) => Results.Redirect($"/sweeps/{Uri.EscapeDataString(name)}/report/report.html"));
        app.MapGet("/sweeps/{name}/report/{file}", (string name, string file) =>
        {
            var directory = coordinator.ReportDirectoryOf(name);
            if (directory is null || !ReportFiles.Contains(file, StringComparer.Ordinal) || !File.Exists(Path.Combine(directory, file)))
            {
                return Results.NotFound();
            }

            var type = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".json" => "application/json",
                _ => "text/csv",
            };
            return Results.File(Path.Combine(directory, file), type);
        });
        app.MapGet("/", () => Guarded(() => Results.Content(Index(coordinator), "text/html; charset=utf-8")));
    }

    private static IResult Guarded(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (Exception error) when (error is RedisSetupException or RedisException or TimeoutException)
        {
            return Unavailable(error);
        }
    }

    private static IResult Unavailable(Exception error) =>
        Results.Json(new { status = "unhealthy", error = error.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);

    private static string Index(LiveSweepCoordinator coordinator)
    {
        var (sweeps, workers) = coordinator.ReadStatus(null);
        var html = new StringBuilder("<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"10\"><title>NtkSweep coordinator</title><h1>Sweeps</h1><ul>");
        foreach (var sweep in sweeps)
        {
            var name = WebUtility.HtmlEncode(sweep.Name);
            var link = coordinator.ReportDirectoryOf(sweep.Name) is null ? string.Empty : $" — <a href=\"/sweeps/{Uri.EscapeDataString(sweep.Name)}/report/report.html\">report</a>";
            html.Append(System.Globalization.CultureInfo.InvariantCulture, $"<li>{name}: {sweep.Done + sweep.Diverged} of {sweep.Total} finished, {sweep.Failed} failed, {sweep.Running} running{(sweep.Finished ? " (finished)" : string.Empty)}{link}</li>");
        }

        html.Append(System.Globalization.CultureInfo.InvariantCulture, $"</ul><p>{workers.Count} live workers. <a href=\"/api/sweeps\">status JSON</a></p>");
        return html.ToString();
    }
}
