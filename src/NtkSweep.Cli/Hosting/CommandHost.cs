using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// The one place a command makes its host: Serilog as the only logger (Orleans' chatter at warnings and up, see <see cref="CliLogging"/>), NTKSWEEP_
/// environment variables as configuration, and the command, not the host, in charge of signals.
/// </summary>
internal static class CommandHost
{
    public static T Configure<T>(T builder, CliLogging logging)
        where T : IHostApplicationBuilder
    {
        builder.Configuration.AddEnvironmentVariables("NTKSWEEP_");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddSerilog(logging.Serilog, dispose: false);
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        return builder;
    }

    public static HostApplicationBuilder CreateBuilder(CliLogging logging) =>
        Configure(Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true }), logging);

    /// <summary>Stops a host within the shutdown grace (runs checkpoint on the way down).</summary>
    public static async Task StopAsync(IHost host)
    {
        using var grace = new CancellationTokenSource(CliApplication.ShutdownGrace);
        await host.StopAsync(grace.Token).ConfigureAwait(false);
    }
}
