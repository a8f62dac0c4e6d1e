using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Store;

/// <summary>
/// Where finished runs live, keyed by <see cref="RunKey"/>. A store holds only finished runs (done or diverged) and
/// failed ones with their error; pending and running are states of a coordinator, not of a store. Implementations
/// must be safe to call from several threads, and a result is either fully stored or absent.
/// </summary>
public interface IResultStore
{
    /// <summary>A short description for logs, e.g. the directory or the Redis endpoint.</summary>
    string Location { get; }

    /// <summary>The stored run for a key, or null when it has never finished (or its record was unreadable).</summary>
    StoredRun? TryGet(string key);

    /// <summary>The stored runs among <paramref name="keys"/> (keys without a readable record are left out).</summary>
    IReadOnlyList<StoredRun> GetMany(IReadOnlyCollection<string> keys);

    /// <summary>
    /// Commits a finished run (done or diverged) unless a finished record for its key already exists: the one write
    /// of a run's result, atomic and create-if-absent, so a run key is committed exactly once however many times it
    /// was trained. Replaces a failed record. Returns false when the run was already committed.
    /// </summary>
    bool TryCommit(StoredRun run);

    void PutResult(string key, RunResult result);

    void PutFailure(string key, RunSpec spec, string error);

    /// <summary>Removes a failed record so that the run can be retried.</summary>
    void ForgetFailure(string key);

    IReadOnlyList<StoredRun> ReadAll();

    /// <summary>Records which runs a sweep consists of, so that reports can select one sweep from a shared store.</summary>
    void SaveSweepManifest(SweepManifest manifest);

    IReadOnlyList<SweepManifest> ReadSweepManifests();

    /// <summary>
    /// Removes a sweep's manifest and the records of <paramref name="keys"/>: the caller passes only runs that no other
    /// sweep's manifest lists, since records are shared between sweeps.
    /// </summary>
    void DeleteSweep(string name, IReadOnlyCollection<string> keys);
}

/// <summary>A sweep's name, its source text, and the keys of its runs.</summary>
public sealed record SweepManifest(string Name, string SourceText, IReadOnlyList<string> Keys);
