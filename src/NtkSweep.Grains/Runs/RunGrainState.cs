namespace NtkSweep.Grains.Runs;

/// <summary>
/// What a run grain persists: its last checkpoint (null when it has none) and the step it was taken at. The result is
/// not here: it is committed once to the result store, content-addressed by the run key.
/// </summary>
[GenerateSerializer]
public sealed class RunGrainState
{
    [Id(0)]
    public byte[]? Checkpoint { get; set; }

    [Id(1)]
    public int CheckpointStep { get; set; }
}
