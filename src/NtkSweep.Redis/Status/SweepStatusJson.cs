using System.Text;
using System.Text.Json;
using NtkSweep.Redis.Workers;

namespace NtkSweep.Redis.Status;

/// <summary>
/// The machine-readable status (`status --json`, the coordinator's /api/sweeps): per-state run counts, whether the
/// sweep is finished, throughput, ETA, failures, and the live workers.
/// </summary>
public static class SweepStatusJson
{
    /// <summary>
    /// With <paramref name="single"/>, that sweep's fields at the top level; otherwise a <c>sweeps</c> array. Either way a
    /// <c>workers</c> array follows.
    /// </summary>
    public static string Write(SweepStatus? single, IReadOnlyList<SweepStatus> sweeps, IReadOnlyList<WorkerInfo> workers)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            if (single is not null)
            {
                WriteSweepFields(writer, single);
            }
            else
            {
                writer.WriteStartArray("sweeps");
                foreach (var sweep in sweeps)
                {
                    writer.WriteStartObject();
                    WriteSweepFields(writer, sweep);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteStartArray("workers");
            foreach (var worker in workers)
            {
                writer.WriteStartObject();
                writer.WriteString("id", worker.Id);
                writer.WriteString("host", worker.Host);
                writer.WriteNumber("pid", worker.ProcessId);
                writer.WriteNumber("cores", worker.Cores);
                writer.WriteNumber("concurrency", worker.Concurrency);
                writer.WriteString("kernel", worker.KernelPath);
                writer.WriteString("version", worker.Version);
                writer.WriteString("started", worker.Started);
                writer.WriteString("lastHeartbeat", worker.LastHeartbeat);
                writer.WriteStartArray("currentRuns");
                foreach (var run in worker.CurrentRuns)
                {
                    writer.WriteStringValue(run);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSweepFields(Utf8JsonWriter writer, SweepStatus sweep)
    {
        writer.WriteString("name", sweep.Name);
        writer.WriteNumber("total", sweep.Total);
        writer.WriteStartObject("states");
        writer.WriteNumber("pending", sweep.Pending);
        writer.WriteNumber("running", sweep.Running);
        writer.WriteNumber("done", sweep.Done);
        writer.WriteNumber("diverged", sweep.Diverged);
        writer.WriteNumber("failed", sweep.Failed);
        writer.WriteEndObject();
        writer.WriteBoolean("finished", sweep.Finished);
        writer.WriteNumber("runsPerMinute", sweep.RunsPerMinute);
        if (sweep.EtaSeconds is { } eta)
        {
            writer.WriteNumber("etaSeconds", eta);
        }
        else
        {
            writer.WriteNull("etaSeconds");
        }

        writer.WriteStartArray("failures");
        foreach (var failure in sweep.Failures)
        {
            writer.WriteStartObject();
            writer.WriteString("key", failure.Key);
            writer.WriteString("error", failure.Error);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

}
