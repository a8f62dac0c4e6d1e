using Orleans.Concurrency;

namespace NtkSweep.Grains;

/// <summary>
/// Owns one training run, keyed by its run key: its checkpoint, its attempts, and the one commit of its result to the
/// result store. Training happens on the silo's pool of training slots, never on the grain's turn.
/// </summary>
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>
    /// Trains the run to its end (resuming from the last checkpoint, if any) and commits the result, or answers at once
    /// when it is already stored or already training (<see cref="RunOutcomeKind.Busy"/>; the asking sweep is told when it
    /// ends). Interleaves, so that a second order never waits behind the first one's training.
    /// </summary>
    /// <remarks>
    /// The call lasts as long as the training. Orleans sends a message's time to live as 32-bit milliseconds, so the
    /// timeout must stay under 24.8 days (a longer one wraps around and the message arrives already expired).
    /// </remarks>
    [AlwaysInterleave]
    [ResponseTimeout("20.00:00:00")]
    Task<RunOutcome> Execute(RunOrder order);

    /// <summary>Stops training (the run keeps its checkpoint and reports <see cref="RunOutcomeKind.Interrupted"/>).</summary>
    [AlwaysInterleave]
    Task Stop();

    /// <summary>Clears the run's grain state (its checkpoint) for a deleted sweep; false, changing nothing, while it trains.</summary>
    Task<bool> Forget();
}
