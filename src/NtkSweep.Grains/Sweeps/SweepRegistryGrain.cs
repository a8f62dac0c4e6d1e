using Orleans.Runtime;

namespace NtkSweep.Grains.Sweeps;

/// <summary>What the registry persists: every sweep ever submitted, and which of them have runs to hand out.</summary>
[GenerateSerializer]
public sealed class SweepRegistryState
{
    [Id(0)]
    public SortedSet<string> Sweeps { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public SortedSet<string> Active { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The cluster's sweep list. Slots poll it (about once a second per silo, cached) for the sweeps that have work; the
/// poll carries the silo's slot counts, which <c>status</c> shows beside membership's view of who is alive.
/// </summary>
public sealed class SweepRegistryGrain(
    [PersistentState("registry", StorageNames.Grains)] IPersistentState<SweepRegistryState> state,
    IClusterMembershipService membership) : Grain, ISweepRegistryGrain
{
    private readonly Dictionary<string, SiloSlots> silos = new(StringComparer.Ordinal);

    public async Task SetActive(string sweep, bool active)
    {
        var changed = state.State.Sweeps.Add(sweep);
        changed |= active ? state.State.Active.Add(sweep) : state.State.Active.Remove(sweep);
        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task Forget(string sweep)
    {
        if (state.State.Sweeps.Remove(sweep) | state.State.Active.Remove(sweep))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ActiveSweeps(SiloSlots silo)
    {
        silos[silo.Silo] = silo;
        return Task.FromResult<IReadOnlyList<string>>(state.State.Active.ToArray());
    }

    public Task<ClusterStatus> GetStatus()
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var name in silos.Keys.ToArray())
        {
            if (snapshot.GetSiloStatus(SiloAddress.FromParsableString(name)) is SiloStatus.Dead or SiloStatus.None)
            {
                silos.Remove(name);
            }
        }

        return Task.FromResult(new ClusterStatus(state.State.Sweeps.ToArray(), state.State.Active.ToArray(), silos.Values.OrderBy(silo => silo.Silo, StringComparer.Ordinal).ToArray()));
    }
}
