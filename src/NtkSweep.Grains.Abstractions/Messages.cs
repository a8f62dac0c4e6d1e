using Orleans.Concurrency;

namespace NtkSweep.Grains;

/// <summary>A sweep file as submitted: its name (from the file), its YAML text and where it came from.</summary>
[GenerateSerializer]
[Immutable]
public sealed record SweepSubmission(
    [property: Id(0)] string Name,
    [property: Id(1)] string SourceText,
    [property: Id(2)] string FileName,
    [property: Id(3)] bool RetryFailed);

/// <summary>One run handed to one slot: its key, its canonical spec, the sweep that ordered it and its attempt.</summary>
[GenerateSerializer]
[Immutable]
public sealed record RunOrder(
    [property: Id(0)] string Key,
    [property: Id(1)] string SpecJson,
    [property: Id(2)] string Sweep,
    [property: Id(3)] int Attempt);

public enum RunOutcomeKind
{
    /// <summary>Finished and stored (converged or at its step budget).</summary>
    Done,

    /// <summary>The loss became non-finite; a recorded outcome, stored like a finished run.</summary>
    Diverged,

    /// <summary>The attempt threw; the sweep retries it or, after its last attempt, stores the failure.</summary>
    Failed,

    /// <summary>Stopped (shutdown or cancel) with its checkpoint saved; not an attempt that counts.</summary>
    Interrupted,

    /// <summary>Already training under another order; the sweep is told when it ends.</summary>
    Busy,
}

/// <summary>How a run order ended. <see cref="Silo"/> is where the run trains (for orphan detection).</summary>
[GenerateSerializer]
[Immutable]
public sealed record RunOutcome(
    [property: Id(0)] string Key,
    [property: Id(1)] RunOutcomeKind Kind,
    [property: Id(2)] double Seconds,
    [property: Id(3)] string? Error,
    [property: Id(4)] string Silo);

/// <summary>
/// A slot's call: what it finished for this sweep, where it runs (silo and slot), and how much work it wants. A slot
/// calls only when it holds nothing of this sweep beyond what <see cref="Finished"/> reports, which lets the sweep
/// take back runs whose order never reached the slot (a reply lost when the sweep grain's silo left).
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record TakeRequest(
    [property: Id(0)] string Silo,
    [property: Id(1)] double BudgetSeconds,
    [property: Id(2)] IReadOnlyList<RunOutcome> Finished,
    [property: Id(3)] int Slot);

/// <summary>A silo as its slot loops describe it.</summary>
[GenerateSerializer]
[Immutable]
public sealed record SiloSlots(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Host,
    [property: Id(2)] int Slots,
    [property: Id(3)] int Busy,
    [property: Id(4)] string KernelPath);

/// <summary>Runs of a sweep by state: the one count record every display and JSON document uses.</summary>
[GenerateSerializer]
[Immutable]
public sealed record RunCounts(
    [property: Id(0)] int Pending,
    [property: Id(1)] int Running,
    [property: Id(2)] int Done,
    [property: Id(3)] int Diverged,
    [property: Id(4)] int Failed)
{
    public int Total => Pending + Running + Done + Diverged + Failed;

    public int Finished => Done + Diverged + Failed;
}

/// <summary>A failed run and its last error.</summary>
[GenerateSerializer]
[Immutable]
public sealed record RunFailure([property: Id(0)] string Key, [property: Id(1)] string Error, [property: Id(2)] int Attempts);

/// <summary>A running run: where, since when (UTC), and what it is.</summary>
[GenerateSerializer]
[Immutable]
public sealed record RunningRun([property: Id(0)] string Key, [property: Id(1)] string Silo, [property: Id(2)] DateTime StartedUtc, [property: Id(3)] string Label);

/// <summary>
/// Where a sweep stands. Progress and ETA are cost-weighted (estimated flops): <see cref="CostFraction"/> of the
/// sweep's cost is finished, and the ETA divides the remaining cost by the cost finished per second since the sweep
/// grain's current activation started (null until anything finished). <see cref="CoordinatorSilo"/> is the silo the
/// sweep grain lives on.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record SweepStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] RunCounts Counts,
    [property: Id(2)] int Reused,
    [property: Id(3)] double CostFraction,
    [property: Id(4)] double RunsPerSecond,
    [property: Id(5)] double? EtaSeconds,
    [property: Id(6)] bool Cancelled,
    [property: Id(7)] IReadOnlyList<RunFailure> Failures,
    [property: Id(8)] IReadOnlyList<RunningRun> Running,
    [property: Id(9)] double ElapsedSeconds,
    [property: Id(10)] bool Exists,
    [property: Id(11)] string CoordinatorSilo,
    [property: Id(12)] bool Refining = false,
    [property: Id(13)] bool Refines = false)
{
    /// <summary>
    /// Nothing left to hand out or waiting on a slot, and no refinement deciding new cells (a cancelled sweep is
    /// finished when nothing runs).
    /// </summary>
    public bool Finished => Exists && Counts.Running == 0 && (Cancelled || (Counts.Pending == 0 && !Refining));
}

/// <summary>The cluster as the registry knows it: sweeps (active or not) and live silos with their slots.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ClusterStatus([property: Id(0)] IReadOnlyList<string> Sweeps, [property: Id(1)] IReadOnlyList<string> ActiveSweeps, [property: Id(2)] IReadOnlyList<SiloSlots> Silos);

/// <summary>
/// What deleting a sweep did: whether it existed, the runs whose records went with it, the runs kept because another
/// sweep lists them, and, when it refused, why (then nothing was removed).
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record SweepDeletion(
    [property: Id(0)] bool Existed,
    [property: Id(1)] int RunsRemoved,
    [property: Id(2)] int RunsShared,
    [property: Id(3)] string? Refused);
