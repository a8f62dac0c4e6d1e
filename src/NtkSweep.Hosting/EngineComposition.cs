using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NtkSweep.Grains;
using NtkSweep.Grains.Metrics;
using NtkSweep.Grains.Runs;
using NtkSweep.Grains.Slots;
using Orleans.Hosting;

namespace NtkSweep.Hosting;

/// <summary>What every silo of NtkSweep has, local or clustered: the engine options, the training pool and its slots.</summary>
public static class EngineComposition
{
    /// <summary>
    /// Registers the grains' silo-side services. The slot loops are registered after Orleans, so the host stops them
    /// first on shutdown: every run checkpoints and is reported interrupted while the silo is still in the cluster.
    /// </summary>
    public static ISiloBuilder AddNtkSweepEngine(this ISiloBuilder silo, Action<EngineOptions> configure)
    {
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.AddOptions<EngineOptions>()
            .BindConfiguration(EngineOptions.SectionName)
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        silo.Services.AddSingleton<TrainingPool>();
        silo.Services.AddMetrics();
        silo.Services.AddSingleton<EngineMetrics>();
        silo.Services.TryAddSingleton<IRunTrainer, SessionTrainer>();
        silo.Services.AddHostedService<TrainingSlots>();
        silo.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(60));
        return silo;
    }
}
