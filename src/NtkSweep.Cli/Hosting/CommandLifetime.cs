using Microsoft.Extensions.Hosting;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// The commands own Ctrl-C and SIGTERM (System.CommandLine cancels their token and they stop the host with its grace
/// period), so the host must not install its own console handlers.
/// </summary>
internal sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
