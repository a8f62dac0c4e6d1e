using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Training.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>
/// report.json: the analysis (cells with aggregated metrics, seed CIs, slopes and regimes) and every run with its
/// canonical spec and its metrics exactly as <see cref="RunResultJson.Write(Utf8JsonWriter, RunResult)"/> writes them.
/// Non-finite numbers are null. Written with <see cref="Utf8JsonWriter"/> rather than a generated contract because it
/// embeds each run's stored record through <see cref="RunResultJson"/>'s writer, so report.json and the stores can
/// never disagree on a run's numbers.
/// </summary>
internal static class ReportJsonWriter
{
    public static string Write(PhaseAnalysis analysis) => Write(analysis, PaperClaims.Evaluate(analysis));

    public static string Write(PhaseAnalysis analysis, PaperClaimReport? claims)
    {
        using var stream = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" };
        using (var writer = new Utf8JsonWriter(stream, options))
        {
            writer.WriteStartObject();
            writer.WriteString("title", analysis.Title);
            WriteStrings(writer, "axisFields", analysis.AxisFields);
            WriteStrings(writer, "cellFields", analysis.CellFields);
            writer.WriteStartArray("widths");
            foreach (var width in analysis.Widths)
            {
                writer.WriteNumberValue(width);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("counts");
            WriteCounts(writer, analysis.Counts);
            writer.WriteStartObject("map");
            writer.WriteString("kind", analysis.Map.Kind switch
            {
                RegimeMapKind.Strip => "strip",
                RegimeMapKind.Grid => "grid",
                RegimeMapKind.LuoPlane => "luo-plane",
                _ => "none",
            });
            WriteNullableString(writer, "x", analysis.Map.XField);
            WriteNullableString(writer, "y", analysis.Map.YField);
            WriteStrings(writer, "facets", analysis.Map.FacetFields);
            writer.WriteBoolean("boundary", analysis.Map.Kind == RegimeMapKind.LuoPlane && analysis.Map.DrawBoundary);
            writer.WriteEndObject();
            WriteNullableString(writer, "crossoverField", analysis.CrossoverField);
            WriteStrings(writer, "notes", analysis.Notes);
            if (analysis.Refinement is { } refinement)
            {
                writer.WriteStartObject("refinement");
                writer.WriteNumber("levels", refinement.Levels);
                writer.WriteNumber("cells", refinement.Cells);
                writer.WriteNumber("runs", refinement.Runs);
                writer.WriteNumber("uniformEquivalentCells", refinement.UniformEquivalentCells);
                writer.WriteNumber("uniformEquivalentRuns", refinement.UniformEquivalentRuns);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("refinement");
            }

            ClaimWriters.WriteJson(writer, claims);

            writer.WriteStartArray("cells");
            foreach (var cell in analysis.Cells)
            {
                WriteCell(writer, cell);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("runs");
            foreach (var run in analysis.Runs)
            {
                WriteRun(writer, run);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteCell(Utf8JsonWriter writer, PhaseCell cell)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index", cell.Index);
        writer.WriteString("label", cell.Label);
        writer.WritePropertyName("axes");
        WriteAxes(writer, cell.Coordinates);
        writer.WriteString("regime", ReportText.RegimeName(cell.Regime));
        writer.WriteString("regimeBasis", cell.RegimeBasis);
        writer.WritePropertyName("counts");
        WriteCounts(writer, cell.Counts);
        writer.WritePropertyName("rdWSlope");
        WriteFit(writer, cell.RdWFit);
        writer.WritePropertyName("kernelChangeSlope");
        WriteFit(writer, cell.KernelChangeFit);
        writer.WritePropertyName("kernelLimitDistanceSlope");
        WriteFit(writer, cell.KernelLimitFit);
        writer.WriteStartObject("prediction");
        Number(writer, "slope", cell.Prediction.Slope);
        writer.WriteString("side", ReportText.SideName(cell.Prediction.Side));
        writer.WriteString("reason", cell.Prediction.Reason);
        writer.WriteEndObject();
        var agrees = LuoTheory.Agrees(cell.Prediction.Side, cell.Regime);
        if (agrees is null)
        {
            writer.WriteNull("agreesWithTheory");
        }
        else
        {
            writer.WriteBoolean("agreesWithTheory", agrees.Value);
        }

        Number(writer, "gamma", cell.Gamma);
        Number(writer, "gammaPrime", cell.GammaPrime);
        writer.WriteStartArray("widths");
        foreach (var width in cell.Widths)
        {
            writer.WriteStartObject();
            writer.WriteNumber("width", width.Width);
            writer.WritePropertyName("counts");
            WriteCounts(writer, width.Counts);
            Estimate(writer, "rdW", width.RdW, geometric: true);
            Estimate(writer, "rdA", width.RdA, geometric: true);
            Estimate(writer, "kernelChange", width.KernelChange, geometric: true);
            Estimate(writer, "kernelLimitDistance", width.KernelLimitDistance, geometric: true);
            Estimate(writer, "trainLoss", width.TrainLoss, geometric: false);
            Estimate(writer, "testLoss", width.TestLoss, geometric: false);
            Estimate(writer, "farMass", width.FarMass, geometric: false);
            Estimate(writer, "condensation", width.Condensation, geometric: false);
            Estimate(writer, "linearizationGap", width.LinearizationGap, geometric: false);
            Estimate(writer, "decayBudget", width.DecayBudget, geometric: false);
            Estimate(writer, "alignmentStart", width.AlignmentStart, geometric: false);
            Estimate(writer, "alignmentEnd", width.AlignmentEnd, geometric: false);
            writer.WriteStartArray("teacherClusterMass");
            foreach (var mass in width.TeacherClusterMass)
            {
                NumberValue(writer, mass);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("everyTeacherCovered", width.EveryTeacherCovered);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRun(Utf8JsonWriter writer, ReportRun run)
    {
        var stored = run.Stored;
        writer.WriteStartObject();
        writer.WriteString("key", stored.Key);
        writer.WriteNumber("cell", run.CellIndex);
        writer.WriteString("state", ReportText.StateName(stored.State));
        WriteNullableString(writer, "status", stored.Result is null ? null : RunResultJson.StatusName(stored.Result.Status));
        WriteNullableString(writer, "error", stored.Error);
        writer.WritePropertyName("axes");
        WriteAxes(writer, run.Coordinates);
        writer.WritePropertyName("spec");
        writer.WriteRawValue(stored.Spec.ToCanonicalJson());
        writer.WritePropertyName("metrics");
        if (stored.Result is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            RunResultJson.Write(writer, stored.Result);
        }

        writer.WriteEndObject();
    }

    private static void WriteAxes(Utf8JsonWriter writer, IReadOnlyList<AxisCoordinate> coordinates)
    {
        writer.WriteStartObject();
        foreach (var coordinate in coordinates)
        {
            var value = coordinate.Value;
            if (value.IsMissing)
            {
                writer.WriteNull(coordinate.Field);
            }
            else if (value.IsNumeric)
            {
                writer.WriteNumber(coordinate.Field, value.Number);
            }
            else
            {
                writer.WriteString(coordinate.Field, value.Text);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter writer, StateCounts counts)
    {
        writer.WriteStartObject();
        writer.WriteNumber("total", counts.Total);
        writer.WriteNumber("done", counts.Done);
        writer.WriteNumber("diverged", counts.Diverged);
        writer.WriteNumber("failed", counts.Failed);
        writer.WriteNumber("pending", counts.Pending);
        writer.WriteNumber("running", counts.Running);
        writer.WriteEndObject();
    }

    private static void WriteFit(Utf8JsonWriter writer, SlopeFit? fit)
    {
        if (fit is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        Number(writer, "slope", fit.Slope);
        Number(writer, "standardError", fit.StandardError);
        Number(writer, "low", fit.Low);
        Number(writer, "high", fit.High);
        Number(writer, "intercept", fit.Intercept);
        writer.WriteNumber("points", fit.Points);
        writer.WriteNumber("widths", fit.Widths);
        writer.WriteEndObject();
    }

    private static void Estimate(Utf8JsonWriter writer, string name, MetricEstimate estimate, bool geometric)
    {
        writer.WriteStartObject(name);
        Number(writer, geometric ? "geometricMean" : "mean", estimate.Value);
        Number(writer, "low", estimate.Low);
        Number(writer, "high", estimate.High);
        writer.WriteNumber("seeds", estimate.Count);
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        NumberValue(writer, value);
    }

    private static void NumberValue(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
