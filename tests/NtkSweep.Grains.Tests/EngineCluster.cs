using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NtkSweep.Grains.Runs;
using NtkSweep.Hosting;
using NtkSweep.Sweeps.Store;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace NtkSweep.Grains.Tests;

/// <summary>
/// An in-process Orleans cluster of real silos with the engine as the hosts compose it: file grain storage and a
/// directory result store shared by every silo (as Redis is in a real cluster), tuned membership, one slot each.
/// The trainer is the real one, counting its calls; specs of <see cref="PoisonWidth"/> throw, as a bug would.
/// </summary>
internal sealed class EngineCluster : IAsyncDisposable
{
    public const int PoisonWidth = 13;

    private static readonly ConcurrentDictionary<string, EngineCluster> Registry = new(StringComparer.Ordinal);

    private EngineCluster(string directory, InProcessTestCluster cluster)
    {
        Directory = directory;
        Cluster = cluster;
        Store = new DirectoryResultStore(Path.Combine(directory, "store"));
    }

    public string Directory { get; }

    public InProcessTestCluster Cluster { get; }

    public DirectoryResultStore Store { get; }

    public ConcurrentDictionary<string, int> TrainCalls { get; } = new(StringComparer.Ordinal);

    public IGrainFactory Grains => Cluster.Client;

    public static async Task<EngineCluster> StartAsync(short silos = 2, int maxAttempts = 3)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ntksweep-grains-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var id = Path.GetFileName(directory);
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton<IResultStore>(_ => Registry[id].Store);
            host.Services.AddSingleton<IRunTrainer>(_ => new CountingTrainer(Registry[id]));
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(StorageNames.Grains, (services, _) =>
                new FileGrainStorage(Path.Combine(directory, "grains"), services.GetRequiredService<IGrainStorageSerializer>()));
            silo.UseInMemoryReminderService();
            silo.Configure<ClusterMembershipOptions>(ClusterComposition.TuneMembership);
            silo.AddNtkSweepEngine(options =>
            {
                options.Slots = 1;
                options.MaxAttempts = maxAttempts;
                options.CheckpointSeconds = 0.2;
                options.OrphanCheckSeconds = 0.5;
            });
        });
        var cluster = builder.Build();
        var engine = new EngineCluster(directory, cluster);
        Registry[id] = engine;
        await cluster.DeployAsync();
        return engine;
    }

    public async Task<SweepStatus> WaitFinishedAsync(string sweep, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var status = await Grains.GetGrain<ISweepGrain>(sweep).GetStatus();
            if (status.Finished)
            {
                return status;
            }

            if (clock.Elapsed > timeout)
            {
                var running = string.Join("; ", status.Running.Select(run => $"{run.Key[..8]} on {run.Silo} since {run.StartedUtc:HH:mm:ss.fff}"));
                var silos = string.Join(", ", Cluster.GetActiveSilos().Select(silo => silo.SiloAddress.ToParsableString()));
                throw new TimeoutException($"sweep {sweep} not finished after {timeout.TotalSeconds:0} s: {status.Counts}; running: {running}; active silos: {silos}; trained: {TrainCalls.Count} specs, {TrainCalls.Values.Sum()} calls");
            }

            await Task.Delay(100);
        }
    }

    public Task<SweepStatus> SubmitAsync(string yaml, bool retryFailed = false)
    {
        var definition = NtkSweep.Sweeps.Files.SweepFileParser.Parse(yaml, "test.yaml");
        return Grains.GetGrain<ISweepGrain>(definition.Name).Submit(new SweepSubmission(definition.Name, yaml, "test.yaml", retryFailed));
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Registry.TryRemove(Path.GetFileName(Directory), out _);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be open for a moment.
        }
    }

    private sealed class CountingTrainer(EngineCluster engine) : IRunTrainer
    {
        public RunResult Train(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions checkpoints, CancellationToken cancellationToken)
        {
            engine.TrainCalls.AddOrUpdate(spec.ToCanonicalJson(), 1, (_, count) => count + 1);
            if (spec.Width == PoisonWidth)
            {
                throw new InvalidOperationException("boom");
            }

            return Trainer.Run(spec, path, resumeFrom, checkpoints, cancellationToken);
        }
    }
}
