using System.Diagnostics.Metrics;
using NtkSweep.Grains.Slots;

namespace NtkSweep.Grains.Metrics;

/// <summary>
/// What one silo measures of its own work, as <see cref="System.Diagnostics.Metrics"/> instruments of the meter
/// <see cref="MeterName"/>: the host decides where they go (the cluster silo serves them to Prometheus). Cluster-wide
/// figures (runs by state, ETA) belong to the sweep grains and are read from them, not counted here.
/// </summary>
public sealed class EngineMetrics
{
    public const string MeterName = "NtkSweep.Engine";

    private readonly Counter<long> outcomes;
    private readonly Histogram<double> checkpointWrites;
    private readonly Histogram<double> commits;
    private readonly Histogram<double> trainingSeconds;

    public EngineMetrics(IMeterFactory meters, TrainingPool pool)
    {
        var meter = meters.Create(MeterName);
        outcomes = meter.CreateCounter<long>("runs.outcomes", "{run}", "Run orders ended on this silo, by outcome (done, diverged, failed, interrupted, busy).");
        checkpointWrites = meter.CreateHistogram<double>("checkpoint.write.duration", "s", "Time to write a run's checkpoint into its grain state.");
        commits = meter.CreateHistogram<double>("result.commit.duration", "s", "Time to commit a finished run's result to the result store.");
        trainingSeconds = meter.CreateHistogram<double>("run.training.duration", "s", "Training time of the runs finished on this silo.");
        meter.CreateObservableGauge("slots", () => pool.Slots, "{slot}", "Training slots of this silo.");
        meter.CreateObservableGauge("slots.busy", () => pool.Busy, "{slot}", "Training slots of this silo training a run now.");
    }

    public void RunEnded(RunOutcomeKind kind, double seconds)
    {
        outcomes.Add(1, new KeyValuePair<string, object?>("outcome", Name(kind)));
        if (kind is RunOutcomeKind.Done or RunOutcomeKind.Diverged && seconds > 0)
        {
            trainingSeconds.Record(seconds);
        }
    }

    public void CheckpointWritten(TimeSpan elapsed) => checkpointWrites.Record(elapsed.TotalSeconds);

    public void ResultCommitted(TimeSpan elapsed) => commits.Record(elapsed.TotalSeconds);

    private static string Name(RunOutcomeKind kind) => kind switch
    {
        RunOutcomeKind.Done => "done",
        RunOutcomeKind.Diverged => "diverged",
        RunOutcomeKind.Failed => "failed",
        RunOutcomeKind.Interrupted => "interrupted",
        _ => "busy",
    };
}
