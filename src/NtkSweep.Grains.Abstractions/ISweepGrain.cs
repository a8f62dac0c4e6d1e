using Orleans.Concurrency;

namespace NtkSweep.Grains;

/// <summary>
/// The coordinator of one sweep, keyed by its name: expands the sweep file, skips runs any sweep already stored, hands
/// runs to training slots most expensive first, counts outcomes, retries and finally fails poison runs, re-drives the
/// runs of dead silos, and keeps its state across silo failures.
/// </summary>
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts (or, with the same file, continues) the sweep. Idempotent; a changed file replaces the grid.</summary>
    Task<SweepStatus> Submit(SweepSubmission submission);

    /// <summary>
    /// A slot reports what it finished since its last call and asks for more: runs, most expensive first, about
    /// <see cref="TakeRequest.BudgetSeconds"/> of estimated work, at least one while any is pending.
    /// </summary>
    Task<IReadOnlyList<RunOrder>> Take(TakeRequest request);

    /// <summary>Tells the sweep how a run it asked for ended, when another sweep's order trained it.</summary>
    Task Report(RunOutcome outcome);

    [AlwaysInterleave]
    Task<SweepStatus> GetStatus();

    /// <summary>Stops handing out runs and stops the running ones (they keep their checkpoints).</summary>
    Task<SweepStatus> Cancel();

    /// <summary>The run keys of the sweep, in grid order (for reports).</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetRunKeys();

    /// <summary>
    /// Forgets an ended sweep (finished, or cancelled with nothing running): its grain state, reminder and registry
    /// entry, its manifest, and the records and checkpoints of the runs no other sweep lists. Refuses, changing
    /// nothing, while any of its runs is pending (and not cancelled), running, or its refinement is deciding.
    /// </summary>
    Task<SweepDeletion> Delete();
}

/// <summary>
/// The cluster's list of sweeps (one grain, key <see cref="ClusterKey"/>): which ones have work for the slots, and
/// which silos have slots, as the silos' slot loops report them.
/// </summary>
public interface ISweepRegistryGrain : IGrainWithStringKey
{
    const string ClusterKey = "cluster";

    Task SetActive(string sweep, bool active);

    /// <summary>A silo's slots ask which sweeps have work; the call doubles as the silo's heartbeat.</summary>
    Task<IReadOnlyList<string>> ActiveSweeps(SiloSlots silo);

    [AlwaysInterleave]
    Task<ClusterStatus> GetStatus();

    /// <summary>Drops a deleted sweep from the list.</summary>
    Task Forget(string sweep);
}
