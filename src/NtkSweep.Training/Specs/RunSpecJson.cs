using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NtkSweep.Training.Specs;

/// <summary>
/// The canonical JSON form of a run spec: every applicable field with defaults filled in, in a fixed order, numbers
/// in shortest round-trip form. Two specs that mean the same run have the same canonical JSON, so it can be hashed.
/// </summary>
public static class RunSpecJson
{
    public static string ToCanonicalJson(RunSpec spec)
    {
        var builder = new StringBuilder(512);
        builder.Append('{');
        var first = true;
        foreach (var (name, value) in CanonicalFields(spec))
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            builder.Append('"').Append(name).Append("\":");
            AppendValue(builder, value);
        }

        return builder.Append('}').ToString();
    }

    /// <summary>The applicable fields of a spec in canonical order.</summary>
    public static IEnumerable<(string Name, object Value)> CanonicalFields(RunSpec spec)
    {
        var isTeacher = spec.Data == DataKind.Teacher;
        yield return ("data", isTeacher ? "teacher" : "luo1d");
        yield return ("inputDim", (long)spec.InputDim);
        if (isTeacher)
        {
            yield return ("teachers", (long)spec.Teachers);
            yield return ("teacherDirections", spec.TeacherDirections == TeacherDirections.Axis ? "axis" : "random");
            yield return ("teacherSigns", spec.TeacherSigns.ToArray());
        }

        yield return ("trainSamples", (long)spec.TrainSamples);
        yield return ("testSamples", (long)spec.TestSamples);
        yield return ("labelNoise", spec.LabelNoise);
        yield return ("bias", spec.Bias);
        yield return ("width", (long)spec.Width);
        var p = spec.Parametrization;
        switch (p.Kind)
        {
            case ParametrizationKind.Preset:
                yield return ("preset", PresetNames.ToName(p.Preset));
                break;
            case ParametrizationKind.Luo:
                yield return ("gamma", p.Gamma);
                yield return ("gammaPrime", p.GammaPrime);
                break;
            case ParametrizationKind.Geiger:
                yield return ("alphaG", p.AlphaG);
                break;
            default:
                yield return ("alpha", p.Alpha);
                yield return ("beta1", p.Beta1);
                yield return ("beta2", p.Beta2);
                break;
        }

        yield return ("antisymmetric", spec.Antisymmetric);
        yield return ("weightDecay", spec.WeightDecay);
        if (spec.StepRule == StepRule.Fixed)
        {
            yield return ("stepRule", "fixed");
            yield return ("learningRate", spec.LearningRate);
        }
        else
        {
            yield return ("stepRule", "adaptive");
            yield return ("stepScale", spec.StepScale);
        }

        yield return ("maxSteps", (long)spec.MaxSteps);
        yield return ("lossTolerance", spec.LossTolerance);
        yield return ("seed", spec.Seed);
    }

    /// <summary>Reads a JSON object of spec fields (any order, defaults allowed) and validates it.</summary>
    public static RunSpec Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new SpecException("spec", $"the spec is not valid JSON: {error.Message}");
        }

        using (document)
        {
            return ToBuilder(document.RootElement).Build();
        }
    }

    public static RunSpecBuilder ToBuilder(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException("spec", "a spec must be a JSON object");
        }

        var builder = new RunSpecBuilder();
        foreach (var property in element.EnumerateObject())
        {
            RequireJsonType(property.Name, property.Value);
            builder.Set(property.Name, FromJson(property.Name, property.Value));
        }

        return builder;
    }

    /// <summary>
    /// JSON has types, so a spec file must use them: "width": "64" is a mistake, not a number (command-line options and
    /// YAML scalars arrive as text and are converted instead).
    /// </summary>
    private static void RequireJsonType(string name, JsonElement value)
    {
        if (RunSpecBuilder.FieldNamed(name) is not { } field)
        {
            return;
        }

        var expected = field.Type switch
        {
            SpecFieldType.Integer => value.ValueKind == JsonValueKind.Number ? null : "a whole number",
            SpecFieldType.Number => value.ValueKind == JsonValueKind.Number ? null : "a number",
            SpecFieldType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "true or false",
            SpecFieldType.Text => value.ValueKind == JsonValueKind.String ? null : "a string",
            SpecFieldType.NumberList => value.ValueKind == JsonValueKind.Number
                || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Number)) ? null : "a number or a list of numbers",
            _ => null,
        };
        if (expected is not null)
        {
            throw new SpecException(name, $"{name} must be {expected}, not {Describe(value)}");
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string {value.GetRawText()}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };

    private static object FromJson(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(item => FromJson(name, item)).ToArray(),
        _ => throw new SpecException(name, $"{name} has an unsupported JSON value ({value.ValueKind})"),
    };

    internal static void AppendValue(StringBuilder builder, object value)
    {
        switch (value)
        {
            case string text:
                builder.Append(JsonSerializer.Serialize(text));
                break;
            case bool flag:
                builder.Append(flag ? "true" : "false");
                break;
            case long integer:
                builder.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case ulong unsigned:
                builder.Append(unsigned.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                builder.Append(FormatNumber(number));
                break;
            case double[] list:
                builder.Append('[');
                for (var i = 0; i < list.Length; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    builder.Append(FormatNumber(list[i]));
                }

                builder.Append(']');
                break;
            default:
                throw new InvalidOperationException($"Unexpected canonical value {value.GetType()}.");
        }
    }

    /// <summary>Shortest round-trip form; whole numbers without a fraction, so 1 and 1.0 hash alike.</summary>
    public static string FormatNumber(double number)
    {
        if (!double.IsFinite(number))
        {
            return "null";
        }

        if (number == Math.Floor(number) && Math.Abs(number) < 1e15)
        {
            return ((long)number).ToString(CultureInfo.InvariantCulture);
        }

        return number.ToString("R", CultureInfo.InvariantCulture);
    }
}
