using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Grains.Sweeps;

/// <summary>
/// What a sweep grain persists: the sweep file it was given and, per run, its state, attempts, last error and the silo
/// it was handed to. Written at most about once a second while runs finish (and at once on submit, cancel, and when
/// the sweep ends); after a reactivation the result store is consulted, so results finished since the last write are
/// never lost, only re-counted.
/// </summary>
public sealed class SweepGrainState
{
    public string? SourceText { get; set; }

    public string? FileName { get; set; }

    public bool Cancelled { get; set; }

    /// <summary>Runs already finished (stored by any sweep) when the sweep was last submitted.</summary>
    public int Reused { get; set; }

    public DateTime SubmittedUtc { get; set; }

    public Dictionary<string, SweepRunRecord> Runs { get; set; } = new(StringComparer.Ordinal);
}

public sealed class SweepRunRecord
{
    public RunState State { get; set; }

    public int Attempts { get; set; }

    public string? Error { get; set; }

    /// <summary>The silo that trains it, while <see cref="State"/> is running.</summary>
    public string? Silo { get; set; }
}
