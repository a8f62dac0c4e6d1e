using NtkSweep.Grains;

namespace NtkSweep.Hosting;

/// <summary>
/// The cluster's load as an autoscaler and an operator see it, from the sweep registry and every sweep's grain:
/// runs waiting for a slot or on one (of sweeps not cancelled: a cancelled sweep wants no silos), and the slots there
/// are. <see cref="OutstandingRuns"/> is the one number to scale on: silos wanted = outstanding runs / slots per silo.
/// </summary>
public sealed record ClusterLoad(
    ClusterStatus Cluster,
    IReadOnlyList<SweepStatus> Sweeps,
    int PendingRuns,
    int RunningRuns,
    int Slots,
    int BusySlots)
{
    /// <summary>The field of <see cref="SiloEndpoints.ClusterLoadPath"/>'s JSON that holds <see cref="OutstandingRuns"/>.</summary>
    public const string ScaleField = "outstandingRuns";

    public int OutstandingRuns => PendingRuns + RunningRuns;

    public static async Task<ClusterLoad> ReadAsync(IGrainFactory grains)
    {
        var cluster = await grains.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.ClusterKey).GetStatus();
        var sweeps = await Task.WhenAll(cluster.Sweeps.Select(name => grains.GetGrain<ISweepGrain>(name).GetStatus()));
        var wanting = sweeps.Where(sweep => sweep.Exists && !sweep.Cancelled).ToArray();
        return new ClusterLoad(
            cluster,
            sweeps,
            wanting.Sum(sweep => sweep.Counts.Pending),
            wanting.Sum(sweep => sweep.Counts.Running),
            cluster.Silos.Sum(silo => silo.Slots),
            cluster.Silos.Sum(silo => silo.Busy));
    }
}
