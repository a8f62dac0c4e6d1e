using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NtkSweep.Grains;
using NtkSweep.Redis;
using NtkSweep.Redis.Connection;
using NtkSweep.Sweeps.Store;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace NtkSweep.Hosting;

/// <summary>Where a cluster silo listens and how fast the cluster gives up on a silo.</summary>
public sealed class SiloNetworkOptions
{
    public int SiloPort { get; set; } = EndpointOptions.DEFAULT_SILO_PORT;

    public int GatewayPort { get; set; } = EndpointOptions.DEFAULT_GATEWAY_PORT;

    /// <summary>The address other silos and clients reach this one at (default: this host's first address).</summary>
    public IPAddress? AdvertisedAddress { get; set; }
}

/// <summary>
/// A cluster silo and the cluster client: membership, grain state, reminders, the grain directory and results all in
/// one Redis, reached with the same connection settings (password, ACL user, TLS).
/// </summary>
public static class ClusterComposition
{
    public const string ServiceId = "ntksweep";

    public static IHostApplicationBuilder AddNtkSweepClusterSilo(this IHostApplicationBuilder builder, RedisOptions redis, SiloNetworkOptions network, Action<EngineOptions> configure)
    {
        AddResultStore(builder.Services, redis);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster => Identify(cluster, redis));
            if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null)
            {
                // Pod name, IP and the cluster ids come from the pod; outside a cluster this would crash the silo.
                silo.UseKubernetesHosting();
            }
            else
            {
                silo.ConfigureEndpoints(network.AdvertisedAddress ?? FirstAddress(), network.SiloPort, network.GatewayPort, listenOnAnyHostAddress: true);
            }

            silo.UseRedisClustering(options => options.ConfigurationOptions = RedisConnector.BuildConfiguration(redis));
            silo.AddRedisGrainStorage(StorageNames.Grains, options =>
            {
                options.ConfigurationOptions = RedisConnector.BuildConfiguration(redis);
                var keys = new RedisKeys(redis.KeyPrefix);
                options.GetStorageKey = (stateName, grainId) => keys.GrainState + grainId + "/" + stateName;

                // A finished run clears its checkpoint, a deleted sweep its state: gone from Redis, not kept empty.
                options.DeleteStateOnClear = true;
            });
            silo.UseRedisReminderService(options => options.ConfigurationOptions = RedisConnector.BuildConfiguration(redis));

            // The default in-cluster directory deactivated healthy grains on a survivor when another silo died.
            silo.UseRedisGrainDirectoryAsDefault(options => options.ConfigurationOptions = RedisConnector.BuildConfiguration(redis));
            silo.Configure<ClusterMembershipOptions>(TuneMembership);
            silo.AddNtkSweepEngine(configure);
        });
        return builder;
    }

    public static IHostApplicationBuilder AddNtkSweepClusterClient(this IHostApplicationBuilder builder, RedisOptions redis)
    {
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster => Identify(cluster, redis));
            client.UseRedisClustering(options => options.ConfigurationOptions = RedisConnector.BuildConfiguration(redis));
        });
        return builder;
    }

    /// <summary>
    /// Membership tuned so that a killed silo is declared dead in a few seconds and a frozen one in under ten (the
    /// defaults take 7 s and 60 s while its runs wait). Probes every second, three missed ones suspect a silo;
    /// measured figures are in BENCHMARKS.md.
    /// </summary>
    public static void TuneMembership(ClusterMembershipOptions membership)
    {
        membership.ProbeTimeout = TimeSpan.FromSeconds(1);
        membership.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        membership.NumMissedProbesLimit = 3;
        membership.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        membership.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        membership.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }

    private static void AddResultStore(IServiceCollection services, RedisOptions redis)
    {
        // The options the host runs with, checked once more as it starts (the CLI checked them before building it).
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.AddOptions<RedisOptions>().Configure(options => Copy(redis, options)).ValidateOnStart();
        services.AddSingleton<IConnectionMultiplexer>(_ => RedisConnector.Connect(redis));
        services.AddSingleton<IResultStore>(provider => RedisResultStore.Open(provider.GetRequiredService<IConnectionMultiplexer>(), redis));
    }

    /// <summary>Every settable property, so that an option added to <see cref="RedisOptions"/> is validated too.</summary>
    private static void Copy(RedisOptions from, RedisOptions to)
    {
        foreach (var property in typeof(RedisOptions).GetProperties().Where(property => property.CanRead && property.CanWrite))
        {
            property.SetValue(to, property.GetValue(from));
        }
    }

    private static void Identify(ClusterOptions cluster, RedisOptions redis)
    {
        cluster.ServiceId = ServiceId;
        cluster.ClusterId = redis.KeyPrefix.TrimEnd(':');
    }

    private static IPAddress FirstAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(address => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
        ?? IPAddress.Loopback;
}
