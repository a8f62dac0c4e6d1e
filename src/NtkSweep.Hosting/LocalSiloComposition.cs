using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NtkSweep.Grains;
using NtkSweep.Sweeps.Store;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace NtkSweep.Hosting;

/// <summary>
/// The laptop: one silo inside the `run` process, clustered with itself on loopback, results in the directory store
/// and grain state in STORE/grains. No server, no Redis; the same grains as the cluster.
/// </summary>
public static class LocalSiloComposition
{
    public const string GrainDirectoryName = "grains";

    public static IHostApplicationBuilder AddNtkSweepLocalSilo(this IHostApplicationBuilder builder, DirectoryResultStore store, Action<EngineOptions> configure)
    {
        builder.Services.AddSingleton<IResultStore>(store);
        builder.UseOrleans(silo =>
        {
            // Free ports, so that a second process (another store) never collides with this one.
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "ntksweep-local", clusterId: "ntksweep-local");
            silo.Services.AddGrainStorage(StorageNames.Grains, (services, _) =>
                new FileGrainStorage(Path.Combine(store.Directory, GrainDirectoryName), services.GetRequiredService<IGrainStorageSerializer>()));
            silo.UseInMemoryReminderService();
            silo.AddNtkSweepEngine(configure);
        });
        return builder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
