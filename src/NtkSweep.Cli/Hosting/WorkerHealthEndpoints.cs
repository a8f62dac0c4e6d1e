using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NtkSweep.Redis.Workers;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// A worker's probes: <c>/alive</c> answers while the process runs (liveness), <c>/health</c> while its heartbeats
/// reach Redis (readiness; 503 with the reason otherwise).
/// </summary>
internal static class WorkerHealthEndpoints
{
    public static void Map(WebApplication app, RedisSweepWorker worker)
    {
        app.MapGet("/alive", () => Results.Text("alive\n"));
        app.MapGet("/health", () => worker.Healthy
            ? Results.Json(new { status = "healthy", worker = worker.WorkerId, committed = worker.Committed })
            : Results.Json(new { status = "unhealthy", worker = worker.WorkerId, error = worker.HealthReason }, statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
