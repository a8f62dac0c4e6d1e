using System.Globalization;
using System.Text;
using System.Text.Json;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>
/// The JSON form of a result, as `ntksweep train --json` prints it and result stores keep it. Non-finite numbers are
/// written as null. Field order is fixed, so two identical runs give identical text apart from the timing fields.
/// Hand-written rather than source-generated on purpose: this is the stored format of every result in every store,
/// and the reader accepts records from before later fields existed (absent kernel-limit figures, older metrics) and
/// the writer's text is what stores and reports compare byte for byte; a generated contract would make each such field
/// a compatibility decision hidden in attributes. The live documents (status, load, manifests) are source-generated.
/// </summary>
public static class RunResultJson
{
    public static readonly IReadOnlySet<string> TimingFields = new HashSet<string>(StringComparer.Ordinal) { "wallSeconds", "stepsPerSecond", "metricSeconds" };

    public static string Write(RunResult result, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, result);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, RunResult result)
    {
        writer.WriteStartObject();
        writer.WriteString("status", StatusName(result.Status));
        writer.WriteString("stopReason", StopReasonName(result.StopReason));
        writer.WriteNumber("steps", result.Steps);
        writer.WriteNumber("rejectedSteps", result.RejectedSteps);
        Number(writer, "trainLoss", result.TrainLoss);
        Number(writer, "testLoss", result.TestLoss);
        Number(writer, "initialTrainLoss", result.InitialTrainLoss);
        Number(writer, "rdW", result.RdW);
        Number(writer, "rdA", result.RdA);
        Number(writer, "kernelChange", result.KernelChange);
        Number(writer, "alignmentStart", result.AlignmentStart);
        Number(writer, "alignmentEnd", result.AlignmentEnd);
        Number(writer, "linearizedTestLoss", result.LinearizedTestLoss);
        Number(writer, "linearizationGap", result.LinearizationGap);
        Number(writer, "linearizationDistance", result.LinearizationDistance);
        Number(writer, "kernelLimitDistance", result.KernelLimitDistance ?? double.NaN);
        Number(writer, "kernelLimitTestLoss", result.KernelLimitTestLoss ?? double.NaN);
        Number(writer, "farMass", result.FarMass);
        writer.WriteStartArray("teacherClusters");
        foreach (var cluster in result.TeacherClusters)
        {
            writer.WriteStartObject();
            writer.WriteNumber("teacher", cluster.Teacher);
            Number(writer, "teacherWeight", cluster.TeacherWeight);
            Number(writer, "mass", cluster.Mass);
            Number(writer, "angleDeg", cluster.AngleDeg);
            writer.WriteNumber("neurons", cluster.Neurons);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        Number(writer, "condensation", result.Condensation);
        Number(writer, "decayBudget", result.DecayBudget);
        Number(writer, "finalStepSize", result.FinalStepSize);
        Number(writer, "alpha", result.Alpha);
        Number(writer, "beta1", result.Beta1);
        Number(writer, "beta2", result.Beta2);
        Number(writer, "gamma", result.Gamma);
        Number(writer, "gammaPrime", result.GammaPrime);
        writer.WriteString("kernelPath", KernelFactory.ToName(result.KernelPath));
        writer.WriteStartArray("lossCurve");
        foreach (var point in result.LossCurve)
        {
            writer.WriteStartObject();
            writer.WriteNumber("step", point.Step);
            Number(writer, "train", point.TrainLoss);
            Number(writer, "test", point.TestLoss);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("neurons");
        foreach (var neuron in result.Neurons)
        {
            writer.WriteStartObject();
            Number(writer, "mass", neuron.Mass);
            Number(writer, "angleDeg", neuron.AngleDeg);
            writer.WriteStartArray("teacherCosines");
            foreach (var cosine in neuron.TeacherCosines)
            {
                NumberValue(writer, cosine);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        Number(writer, "wallSeconds", result.WallSeconds);
        Number(writer, "stepsPerSecond", result.StepsPerSecond);
        Number(writer, "metricSeconds", result.MetricSeconds);
        writer.WritePropertyName("spec");
        writer.WriteRawValue(result.Spec.ToCanonicalJson());
        writer.WriteEndObject();
    }

    public static RunResult Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }

    public static RunResult Parse(JsonElement root)
    {
        var spec = RunSpecJson.ToBuilder(root.GetProperty("spec")).Build();
        return new RunResult
        {
            Spec = spec,
            Status = ParseStatus(root.GetProperty("status").GetString()),
            StopReason = ParseStopReason(root.GetProperty("stopReason").GetString()),
            Steps = root.GetProperty("steps").GetInt32(),
            RejectedSteps = root.TryGetProperty("rejectedSteps", out var rejected) ? rejected.GetInt32() : 0,
            TrainLoss = Read(root, "trainLoss"),
            TestLoss = Read(root, "testLoss"),
            InitialTrainLoss = Read(root, "initialTrainLoss"),
            RdW = Read(root, "rdW"),
            RdA = Read(root, "rdA"),
            KernelChange = Read(root, "kernelChange"),
            AlignmentStart = Read(root, "alignmentStart"),
            AlignmentEnd = Read(root, "alignmentEnd"),
            LinearizedTestLoss = Read(root, "linearizedTestLoss"),
            LinearizationDistance = root.TryGetProperty("linearizationDistance", out var distance) && distance.ValueKind == JsonValueKind.Number ? distance.GetDouble() : double.NaN,
            KernelLimitDistance = OptionalNumber(root, "kernelLimitDistance"),
            KernelLimitTestLoss = OptionalNumber(root, "kernelLimitTestLoss"),
            FarMass = Read(root, "farMass"),
            TeacherClusters = root.GetProperty("teacherClusters").EnumerateArray()
                .Select(c => new TeacherCluster(c.GetProperty("teacher").GetInt32(), Read(c, "teacherWeight"), Read(c, "mass"), Read(c, "angleDeg"), c.GetProperty("neurons").GetInt32()))
                .ToArray(),
            Condensation = Read(root, "condensation"),
            DecayBudget = Read(root, "decayBudget"),
            FinalStepSize = Read(root, "finalStepSize"),
            Alpha = Read(root, "alpha"),
            Beta1 = Read(root, "beta1"),
            Beta2 = Read(root, "beta2"),
            Gamma = Read(root, "gamma"),
            GammaPrime = Read(root, "gammaPrime"),
            KernelPath = KernelFactory.TryParse(root.GetProperty("kernelPath").GetString() ?? string.Empty, out var path) ? path : KernelPath.Reference,
            LossCurve = root.GetProperty("lossCurve").EnumerateArray()
                .Select(p => new LossPoint(p.GetProperty("step").GetInt32(), Read(p, "train"), Read(p, "test")))
                .ToArray(),
            Neurons = root.GetProperty("neurons").EnumerateArray()
                .Select(n => new NeuronPoint(Read(n, "mass"), Read(n, "angleDeg"), n.GetProperty("teacherCosines").EnumerateArray().Select(ReadValue).ToArray()))
                .ToArray(),
            WallSeconds = Read(root, "wallSeconds"),
            StepsPerSecond = Read(root, "stepsPerSecond"),
            MetricSeconds = root.TryGetProperty("metricSeconds", out var metricSeconds) && metricSeconds.ValueKind == JsonValueKind.Number ? metricSeconds.GetDouble() : 0,
        };
    }

    public static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Converged => "converged",
        RunStatus.Budget => "budget",
        RunStatus.Diverged => "diverged",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string StopReasonName(StopReason reason) => reason switch
    {
        StopReason.LossTolerance => "lossTolerance",
        StopReason.StepBudget => "stepBudget",
        StopReason.NonFiniteLoss => "nonFiniteLoss",
        StopReason.StepSizeCollapse => "stepSizeCollapse",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    private static RunStatus ParseStatus(string? name) => name switch
    {
        "converged" => RunStatus.Converged,
        "budget" => RunStatus.Budget,
        "diverged" => RunStatus.Diverged,
        _ => throw new JsonException($"Unknown run status '{name}'."),
    };

    private static StopReason ParseStopReason(string? name) => name switch
    {
        "lossTolerance" => StopReason.LossTolerance,
        "stepBudget" => StopReason.StepBudget,
        "nonFiniteLoss" => StopReason.NonFiniteLoss,
        "stepSizeCollapse" => StopReason.StepSizeCollapse,
        _ => throw new JsonException($"Unknown stop reason '{name}'."),
    };

    private static double Read(JsonElement element, string name) => ReadValue(element.GetProperty(name));

    private static double ReadValue(JsonElement value) => value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble();

    /// <summary>A number that may be absent or null (no kernel limit, or a record from before the field existed).</summary>
    private static double? OptionalNumber(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        NumberValue(writer, value);
    }

    private static void NumberValue(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            // + 0.0 turns −0 into 0, which reads better and compares equal as text.
            writer.WriteRawValue((value + 0.0).ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
