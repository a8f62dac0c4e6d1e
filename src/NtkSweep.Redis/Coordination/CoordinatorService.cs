using Microsoft.Extensions.Hosting;

namespace NtkSweep.Redis.Coordination;

/// <summary>Hosts the <see cref="LiveSweepCoordinator"/>'s watch-and-render loop in the Generic Host.</summary>
public sealed class CoordinatorService(LiveSweepCoordinator coordinator) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => coordinator.RunAsync(stoppingToken);
}
