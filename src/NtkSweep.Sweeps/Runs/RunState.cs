using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Runs;

/// <summary>Where a run of a sweep stands.</summary>
public enum RunState
{
    Pending,
    Running,
    Done,
    Diverged,
    Failed,
}

/// <summary>
/// A run as a store knows it: its key and spec, and either its result (done or diverged) or the error that made it
/// fail. Pending and running runs have neither.
/// </summary>
public sealed record StoredRun(string Key, RunSpec Spec, RunState State, RunResult? Result, string? Error)
{
    public static StoredRun FromResult(string key, RunResult result) =>
        new(key, result.Spec, result.Status == RunStatus.Diverged ? RunState.Diverged : RunState.Done, result, null);

    public static StoredRun FromError(string key, RunSpec spec, string error) => new(key, spec, RunState.Failed, null, error);

    public bool IsFinished => State is RunState.Done or RunState.Diverged;
}
