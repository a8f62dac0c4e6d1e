using System.Text;
using System.Text.Json;
using NtkSweep.Grains;

namespace NtkSweep.Hosting;

/// <summary>
/// The status document of `status --json` and of the silo's <c>/api/sweeps</c>: per sweep the counts by state,
/// <c>finished</c>, cost-weighted progress, throughput, ETA and failures; the silos with their slots.
/// </summary>
public static class SweepStatusJson
{
    public static string Write(IReadOnlyList<SweepStatus> sweeps, ClusterStatus cluster)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("sweeps");
            foreach (var sweep in sweeps)
            {
                WriteSweep(writer, sweep);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("silos");
            foreach (var silo in cluster.Silos)
            {
                writer.WriteStartObject();
                writer.WriteString("silo", silo.Silo);
                writer.WriteString("host", silo.Host);
                writer.WriteNumber("slots", silo.Slots);
                writer.WriteNumber("busy", silo.Busy);
                writer.WriteString("kernel", silo.KernelPath);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteNumber("slots", cluster.Silos.Sum(silo => silo.Slots));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSweep(Utf8JsonWriter writer, SweepStatus sweep)
    {
        writer.WriteStartObject();
        writer.WriteString("name", sweep.Name);
        writer.WriteBoolean("finished", sweep.Finished);
        writer.WriteBoolean("cancelled", sweep.Cancelled);
        writer.WriteNumber("total", sweep.Counts.Total);
        writer.WriteNumber("pending", sweep.Counts.Pending);
        writer.WriteNumber("running", sweep.Counts.Running);
        writer.WriteNumber("done", sweep.Counts.Done);
        writer.WriteNumber("diverged", sweep.Counts.Diverged);
        writer.WriteNumber("failed", sweep.Counts.Failed);
        writer.WriteNumber("reused", sweep.Reused);
        writer.WriteNumber("costFraction", Math.Round(sweep.CostFraction, 4));
        writer.WriteNumber("runsPerMinute", Math.Round(sweep.RunsPerSecond * 60, 2));
        if (sweep.EtaSeconds is { } eta)
        {
            writer.WriteNumber("etaSeconds", Math.Round(eta, 1));
        }
        else
        {
            writer.WriteNull("etaSeconds");
        }

        // With refinement the ETA covers the runs planned so far: a lower bound.
        writer.WriteBoolean("etaIsLowerBound", sweep.Refines);
        writer.WriteBoolean("refining", sweep.Refining);
        writer.WriteNumber("elapsedSeconds", Math.Round(sweep.ElapsedSeconds, 1));
        writer.WriteString("coordinatorSilo", sweep.CoordinatorSilo);
        writer.WriteStartArray("failures");
        foreach (var failure in sweep.Failures)
        {
            writer.WriteStartObject();
            writer.WriteString("key", failure.Key);
            writer.WriteString("error", failure.Error);
            writer.WriteNumber("attempts", failure.Attempts);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("runningRuns");
        foreach (var run in sweep.Running)
        {
            writer.WriteStartObject();
            writer.WriteString("key", run.Key);
            writer.WriteString("silo", run.Silo);
            writer.WriteString("run", run.Label);
            writer.WriteString("startedUtc", run.StartedUtc);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
