using NtkSweep.Grains;
using Prometheus;

namespace NtkSweep.Hosting;

/// <summary>
/// The cluster-wide gauges a silo serves on <c>/metrics</c> beside its own meters (NtkSweep.Engine, Orleans, the
/// runtime): runs by state over all sweeps and per sweep, throughput, ETA and the cluster's slots. Read from the grains
/// just before each scrape, so every silo reports the same cluster values: aggregate them with max(), not sum().
/// </summary>
public static class ClusterMetrics
{
    private static readonly string[] States = ["pending", "running", "done", "diverged", "failed"];

    private static readonly Gauge ClusterRuns = Metrics.CreateGauge("ntksweep_cluster_runs", "Runs of all sweeps by state (cluster-wide; the same on every silo).", "state");

    private static readonly Gauge Outstanding = Metrics.CreateGauge("ntksweep_cluster_outstanding_runs", "Pending plus running runs of sweeps not cancelled: what autoscaling scales on.");

    private static readonly Gauge ClusterSlots = Metrics.CreateGauge("ntksweep_cluster_slots", "Training slots of the live silos, busy or free.", "state");

    private static readonly Gauge Silos = Metrics.CreateGauge("ntksweep_cluster_silos", "Silos polling for work.");

    private static readonly Gauge SweepRuns = Metrics.CreateGauge("ntksweep_sweep_runs", "Runs of one sweep by state.", "sweep", "state");

    private static readonly Gauge SweepThroughput = Metrics.CreateGauge("ntksweep_sweep_runs_per_second", "Runs one sweep finished per second since its grain activated.", "sweep");

    private static readonly Gauge SweepEta = Metrics.CreateGauge("ntksweep_sweep_eta_seconds", "Estimated seconds until one sweep ends (absent when unknown).", "sweep");

    private static readonly Gauge SweepFinished = Metrics.CreateGauge("ntksweep_sweep_finished", "1 when one sweep has ended, else 0.", "sweep");

    private static readonly Lock Gate = new();

    private static HashSet<string> published = new(StringComparer.Ordinal);

    private static readonly Counter ReadFailures = Metrics.CreateCounter("ntksweep_cluster_metrics_read_failures_total", "Scrapes whose cluster figures could not be read from the grains (the last values were kept).");

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private static int registered;

    /// <summary>
    /// Refreshes the cluster gauges from the grains before every scrape of this process' default registry (registered
    /// once per process). A failed or slow read (a sweep grain moving after its silo died, Redis away) keeps the last
    /// values and counts the failure, so the silo's own and Orleans' metrics are served exactly when they matter.
    /// </summary>
    public static void Register(IGrainFactory grains)
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
        {
            return;
        }

        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                Publish(await ClusterLoad.ReadAsync(grains).WaitAsync(ReadTimeout, cancellationToken));
            }
            catch (Exception error) when (error is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                ReadFailures.Inc();
            }
        });
    }

    private static void Publish(ClusterLoad load)
    {
        lock (Gate)
        {
            foreach (var state in States)
            {
                ClusterRuns.WithLabels(state).Set(load.Sweeps.Sum(sweep => Count(sweep.Counts, state)));
            }

            Outstanding.Set(load.OutstandingRuns);
            ClusterSlots.WithLabels("busy").Set(load.BusySlots);
            ClusterSlots.WithLabels("free").Set(Math.Max(0, load.Slots - load.BusySlots));
            Silos.Set(load.Cluster.Silos.Count);

            var current = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sweep in load.Sweeps.Where(sweep => sweep.Exists))
            {
                current.Add(sweep.Name);
                foreach (var state in States)
                {
                    SweepRuns.WithLabels(sweep.Name, state).Set(Count(sweep.Counts, state));
                }

                SweepThroughput.WithLabels(sweep.Name).Set(sweep.RunsPerSecond);
                SweepFinished.WithLabels(sweep.Name).Set(sweep.Finished ? 1 : 0);
                if (sweep.EtaSeconds is { } eta)
                {
                    SweepEta.WithLabels(sweep.Name).Set(eta);
                }
                else
                {
                    SweepEta.RemoveLabelled(sweep.Name);
                }
            }

            // A deleted sweep's series end instead of staying at their last value.
            foreach (var gone in published.Except(current))
            {
                foreach (var state in States)
                {
                    SweepRuns.RemoveLabelled(gone, state);
                }

                SweepThroughput.RemoveLabelled(gone);
                SweepEta.RemoveLabelled(gone);
                SweepFinished.RemoveLabelled(gone);
            }

            published = current;
        }
    }

    private static int Count(RunCounts counts, string state) => state switch
    {
        "pending" => counts.Pending,
        "running" => counts.Running,
        "done" => counts.Done,
        "diverged" => counts.Diverged,
        _ => counts.Failed,
    };
}
