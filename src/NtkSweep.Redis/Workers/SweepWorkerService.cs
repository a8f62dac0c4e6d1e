using Microsoft.Extensions.Hosting;

namespace NtkSweep.Redis.Workers;

/// <summary>Hosts a <see cref="RedisSweepWorker"/> in the Generic Host: stopping the host stops the worker gracefully.</summary>
public sealed class SweepWorkerService(RedisSweepWorker worker) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => worker.RunAsync(stoppingToken);
}
