using Microsoft.Extensions.Logging;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Grains.Sweeps;

/// <summary>
/// Deleting an ended sweep: what it alone owns goes, what it shares with other sweeps stays. The decision is made and
/// persisted first (<see cref="SweepGrainState.Deleting"/>), then the pieces go; every step can be repeated, so a delete
/// cut short (a silo dying, Redis gone) finishes on the next activation instead of resurrecting the sweep.
/// </summary>
public sealed partial class SweepGrain
{
    public async Task<SweepDeletion> Delete()
    {
        if (state.State.SourceText is null)
        {
            return new SweepDeletion(Existed: false, 0, 0, null);
        }

        if (!state.State.Deleting)
        {
            var status = BuildStatus();
            if (status.Counts.Running > 0 || status.Refining || (!state.State.Cancelled && status.Counts.Pending > 0))
            {
                return new SweepDeletion(Existed: true, 0, 0,
                    $"sweep '{Name}' has {status.Counts.Pending} runs pending and {status.Counts.Running} running: cancel it (`ntksweep cancel {Name}`) and wait until none runs");
            }

            state.State.Deleting = true;
            await WriteStateAsync();
        }

        return await CompleteDeletionAsync();
    }

    private async Task<SweepDeletion> CompleteDeletionAsync()
    {
        // The orphan timer stops at once; the reminder stays until the store is cleared, so that it brings back a
        // delete cut short on the way.
        timer?.Dispose();
        timer = null;
        var others = (await Task.Run(() => store.ReadSweepManifests()))
            .Where(manifest => !string.Equals(manifest.Name, Name, StringComparison.Ordinal))
            .SelectMany(manifest => manifest.Keys)
            .ToHashSet(StringComparer.Ordinal);
        var keys = grid.Select(entry => entry.Key).ToArray();
        var removable = keys.Where(key => !others.Contains(key)).ToArray();

        // Every run handed out and not finished may hold a checkpoint (a finished run clears its own). A run that is
        // training can only be under another sweep's order, and such runs are shared, hence not removable.
        foreach (var key in removable.Where(key => state.State.Runs.TryGetValue(key, out var record) && (record.Started || record.Attempts > 0) && record.State is not (RunState.Done or RunState.Diverged)))
        {
            if (!await GrainFactory.GetGrain<IRunGrain>(key).Forget())
            {
                LogCheckpointKept(Name, key);
            }
        }

        await Task.Run(() => store.DeleteSweep(Name, removable));
        await StopKeepingAliveAsync();

        await GrainFactory.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.ClusterKey).Forget(Name);
        registeredActive = false;
        await state.ClearStateAsync();

        // Without a source text the activation reports "no such sweep" until it deactivates, right after this call.
        state.State = new SweepGrainState();
        dirty = false;
        DeactivateOnIdle();
        LogDeleted(Name, removable.Length, keys.Length - removable.Length);
        return new SweepDeletion(Existed: true, removable.Length, keys.Length - removable.Length, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep} deleted: {Removed} runs removed, {Shared} kept for other sweeps")]
    private partial void LogDeleted(string sweep, int removed, int shared);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep {Sweep}: run {RunId} was training while its sweep was deleted; its checkpoint stays")]
    private partial void LogCheckpointKept(string sweep, string runId);
}
