using System.Text;
using System.Text.Json;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Store;

/// <summary>
/// The record a store keeps for a run: {"key", "state", "error", "spec", "result"}, the result exactly as
/// `ntksweep train --json` prints it. Reading checks that the record is whole and that its key matches its spec.
/// Hand-written for the reasons <see cref="RunResultJson"/> gives: it wraps that format and validates while it reads.
/// </summary>
public static class StoredRunJson
{
    public static string Write(StoredRun run)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("key", run.Key);
            writer.WriteString("state", StateName(run.State));
            if (run.Error is null)
            {
                writer.WriteNull("error");
            }
            else
            {
                writer.WriteString("error", run.Error);
            }

            writer.WritePropertyName("spec");
            writer.WriteRawValue(run.Spec.ToCanonicalJson());
            writer.WritePropertyName("result");
            if (run.Result is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                RunResultJson.Write(writer, run.Result);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses a record; throws <see cref="InvalidDataException"/> when it is truncated, corrupt or mismatched.</summary>
    public static StoredRun Parse(string json, string expectedKey)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var key = root.GetProperty("key").GetString();
            if (!string.Equals(key, expectedKey, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"record holds key '{key}', expected '{expectedKey}'");
            }

            var spec = RunSpecJson.ToBuilder(root.GetProperty("spec")).Build();
            if (!string.Equals(RunKey.For(spec), expectedKey, StringComparison.Ordinal))
            {
                throw new InvalidDataException("record's spec does not hash to its key (written by another training version?)");
            }

            var state = ParseState(root.GetProperty("state").GetString());
            var error = root.GetProperty("error").ValueKind == JsonValueKind.String ? root.GetProperty("error").GetString() : null;
            var resultElement = root.GetProperty("result");
            var result = resultElement.ValueKind == JsonValueKind.Object ? RunResultJson.Parse(resultElement) : null;
            if (state is RunState.Done or RunState.Diverged && result is null)
            {
                throw new InvalidDataException("finished record has no result");
            }

            return new StoredRun(expectedKey, spec, state, result, error);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or SpecException)
        {
            throw new InvalidDataException($"unreadable run record: {error.Message}", error);
        }
    }

    public static string StateName(RunState state) => state switch
    {
        RunState.Pending => "pending",
        RunState.Running => "running",
        RunState.Done => "done",
        RunState.Diverged => "diverged",
        RunState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static RunState ParseState(string? name) => name switch
    {
        "pending" => RunState.Pending,
        "running" => RunState.Running,
        "done" => RunState.Done,
        "diverged" => RunState.Diverged,
        "failed" => RunState.Failed,
        _ => throw new InvalidDataException($"unknown run state '{name}'"),
    };
}
