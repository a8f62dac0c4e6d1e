namespace NtkSweep.Training.Runs;

/// <summary>Where and how often a run hands out checkpoints (e.g. to Redis, so another worker can resume it).</summary>
/// <param name="EverySteps">Accepted steps between checkpoints.</param>
/// <param name="Save">Receives each checkpoint; called on the training thread.</param>
public sealed record CheckpointOptions(int EverySteps, Action<byte[]> Save)
{
    public int EverySteps { get; } = EverySteps >= 1 ? EverySteps : throw new ArgumentOutOfRangeException(nameof(EverySteps), "Checkpoints need at least one step between them.");

    /// <summary>
    /// Periodic checkpoints closer than this to the previous one (or to the start) are skipped, so that short runs
    /// are not slowed by checkpoints they would never need; the one taken on cancellation is always saved.
    /// </summary>
    public TimeSpan MinimumInterval { get; init; } = TimeSpan.Zero;
}

/// <summary>A checkpoint that cannot continue this session: another spec, another kernel path, or damaged bytes.</summary>
public sealed class CheckpointMismatchException : Exception
{
    public CheckpointMismatchException()
    {
    }

    public CheckpointMismatchException(string message)
        : base(message)
    {
    }

    public CheckpointMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
