using System.Text.Json;
using System.Text.Json.Serialization;
using NtkSweep.Grains;
using NtkSweep.Sweeps.Json;

namespace NtkSweep.Hosting;

/// <summary>
/// The status document of `status --json` and of the silo's <c>/api/sweeps</c>: per sweep the counts by state,
/// <c>finished</c>, cost-weighted progress, throughput, ETA and failures; the silos with their slots. Serialized by
/// System.Text.Json's source generator (<see cref="HostingJson"/>); non-finite numbers become null.
/// </summary>
public static class SweepStatusJson
{
    public static string Write(IReadOnlyList<SweepStatus> sweeps, ClusterStatus cluster)
    {
        ArgumentNullException.ThrowIfNull(sweeps);
        ArgumentNullException.ThrowIfNull(cluster);
        var document = new StatusDocument(
            [.. sweeps.Select(Sweep)],
            [.. cluster.Silos.Select(silo => new SiloDocument(silo.Silo, silo.Host, silo.Slots, silo.Busy, silo.KernelPath))],
            cluster.Silos.Sum(silo => silo.Slots));
        return JsonSerializer.Serialize(document, HostingJson.Default.StatusDocument);
    }

    /// <summary>The load document of <c>/api/cluster</c>, whose <see cref="ClusterLoad.ScaleField"/> autoscalers read.</summary>
    public static string WriteLoad(ClusterLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var document = new LoadDocument(load.OutstandingRuns, load.PendingRuns, load.RunningRuns, load.Cluster.Silos.Count, load.Slots, load.BusySlots, load.Cluster.ActiveSweeps);
        return JsonSerializer.Serialize(document, HostingJson.Default.LoadDocument);
    }

    private static SweepDocument Sweep(SweepStatus sweep) => new(
        sweep.Name,
        sweep.Finished,
        sweep.Cancelled,
        sweep.Counts.Total,
        sweep.Counts.Pending,
        sweep.Counts.Running,
        sweep.Counts.Done,
        sweep.Counts.Diverged,
        sweep.Counts.Failed,
        sweep.Reused,
        Math.Round(sweep.CostFraction, 4),
        Math.Round(sweep.RunsPerSecond * 60, 2),
        sweep.EtaSeconds is { } eta ? Math.Round(eta, 1) : double.NaN,
        // With refinement the ETA covers the runs planned so far: a lower bound.
        sweep.Refines,
        sweep.Refining,
        Math.Round(sweep.ElapsedSeconds, 1),
        sweep.CoordinatorSilo,
        [.. sweep.Failures.Select(failure => new FailureDocument(failure.Key, failure.Error, failure.Attempts))],
        [.. sweep.Running.Select(run => new RunningDocument(run.Key, run.Silo, run.Label, run.StartedUtc))]);
}

internal sealed record StatusDocument(IReadOnlyList<SweepDocument> Sweeps, IReadOnlyList<SiloDocument> Silos, int Slots);

internal sealed record SweepDocument(
    string Name,
    bool Finished,
    bool Cancelled,
    int Total,
    int Pending,
    int Running,
    int Done,
    int Diverged,
    int Failed,
    int Reused,
    double CostFraction,
    double RunsPerMinute,
    double EtaSeconds,
    bool EtaIsLowerBound,
    bool Refining,
    double ElapsedSeconds,
    string CoordinatorSilo,
    IReadOnlyList<FailureDocument> Failures,
    IReadOnlyList<RunningDocument> RunningRuns);

internal sealed record FailureDocument(string Key, string Error, int Attempts);

internal sealed record RunningDocument(string Key, string Silo, string Run, DateTime StartedUtc);

internal sealed record SiloDocument(string Silo, string Host, int Slots, int Busy, string Kernel);

/// <summary>Named by <see cref="ClusterLoad.ScaleField"/>'s value: outstandingRuns.</summary>
internal sealed record LoadDocument(int OutstandingRuns, int PendingRuns, int RunningRuns, int Silos, int Slots, int BusySlots, IReadOnlyList<string> ActiveSweeps);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, Converters = [typeof(FiniteOrNullConverter)])]
[JsonSerializable(typeof(StatusDocument))]
[JsonSerializable(typeof(LoadDocument))]
internal sealed partial class HostingJson : JsonSerializerContext;
