using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Grains.Sweeps;

/// <summary>
/// What a sweep grain persists: the sweep file it was given and, per run, its state, attempts, last error and the silo
/// it was handed to. Written at most about once a second while runs finish (and at once on submit, cancel, and when
/// the sweep ends); after a reactivation the result store is consulted, so results finished since the last write are
/// never lost, only re-counted.
/// </summary>
[GenerateSerializer]
public sealed class SweepGrainState
{
    [Id(0)]
    public string? SourceText { get; set; }

    [Id(1)]
    public string? FileName { get; set; }

    [Id(2)]
    public bool Cancelled { get; set; }

    /// <summary>Runs already finished (stored by any sweep) when the sweep was last submitted.</summary>
    [Id(3)]
    public int Reused { get; set; }

    [Id(4)]
    public DateTime SubmittedUtc { get; set; }

    [Id(5)]
    public Dictionary<string, SweepRunRecord> Runs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Set once a delete has begun: an activation that finds it finishes the delete instead of resuming the sweep.</summary>
    [Id(6)]
    public bool Deleting { get; set; }
}

[GenerateSerializer]
public sealed class SweepRunRecord
{
    [Id(0)]
    public RunState State { get; set; }

    [Id(1)]
    public int Attempts { get; set; }

    [Id(2)]
    public string? Error { get; set; }

    /// <summary>The silo that trains it, while <see cref="State"/> is running.</summary>
    [Id(3)]
    public string? Silo { get; set; }

    /// <summary>Handed out at least once, so its run grain may hold a checkpoint (attempts are taken back; this is not).</summary>
    [Id(5)]
    public bool Started { get; set; }

    /// <summary>The slot of <see cref="Silo"/> it was handed to; null while another sweep's order trains it.</summary>
    [Id(4)]
    public int? Slot { get; set; }
}
