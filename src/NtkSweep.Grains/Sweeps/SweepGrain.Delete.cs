using Microsoft.Extensions.Logging;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Grains.Sweeps;

/// <summary>Deleting an ended sweep: what it alone owns goes, what it shares with other sweeps stays.</summary>
public sealed partial class SweepGrain
{
    public async Task<SweepDeletion> Delete()
    {
        if (state.State.SourceText is null)
        {
            return new SweepDeletion(Existed: false, 0, 0, null);
        }

        var status = BuildStatus();
        if (status.Counts.Running > 0 || status.Refining || (!state.State.Cancelled && status.Counts.Pending > 0))
        {
            return new SweepDeletion(Existed: true, 0, 0,
                $"sweep '{Name}' has {status.Counts.Pending} runs pending and {status.Counts.Running} running: cancel it (`ntksweep cancel {Name}`) and wait until none runs");
        }

        var others = (await Task.Run(() => store.ReadSweepManifests()))
            .Where(manifest => !string.Equals(manifest.Name, Name, StringComparison.Ordinal))
            .SelectMany(manifest => manifest.Keys)
            .ToHashSet(StringComparer.Ordinal);
        var keys = grid.Select(entry => entry.Key).ToArray();
        var removable = keys.Where(key => !others.Contains(key)).ToArray();

        // Only runs that started and did not finish can hold a checkpoint: a finished run clears its own state.
        foreach (var key in removable.Where(key => state.State.Runs.TryGetValue(key, out var record) && record.Attempts > 0 && record.State is not (RunState.Done or RunState.Diverged)))
        {
            if (!await GrainFactory.GetGrain<IRunGrain>(key).Forget())
            {
                return new SweepDeletion(Existed: true, 0, 0, $"run {key} of sweep '{Name}' is still training (under another sweep's order); try again when it ends");
            }
        }

        await Task.Run(() => store.DeleteSweep(Name, removable));
        timer?.Dispose();
        timer = null;
        if (await this.GetReminder(KeepAliveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

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
}
