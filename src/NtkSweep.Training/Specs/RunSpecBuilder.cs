using System.Globalization;
using NtkSweep.Training.Data;

namespace NtkSweep.Training.Specs;

public enum SpecFieldType
{
    Integer,
    Number,
    Boolean,
    Text,
    NumberList,
}

/// <summary>One settable field of a run spec: its canonical name and value type.</summary>
public sealed record SpecField(string Name, SpecFieldType Type, string Description);

/// <summary>
/// Collects spec fields by name (from the CLI, a JSON spec or a sweep file), then fills defaults and validates them
/// into a <see cref="RunSpec"/>. Every error names the field it concerns.
/// </summary>
public sealed class RunSpecBuilder
{
    public static readonly IReadOnlyList<SpecField> Fields =
    [
        new("data", SpecFieldType.Text, "teacher | luo1d"),
        new("inputDim", SpecFieldType.Integer, "input dimension d"),
        new("teachers", SpecFieldType.Integer, "number of teacher neurons"),
        new("teacherDirections", SpecFieldType.Text, "random | axis"),
        new("teacherSigns", SpecFieldType.NumberList, "teacher output weights, e.g. 1,-1,1"),
        new("trainSamples", SpecFieldType.Integer, "training samples"),
        new("testSamples", SpecFieldType.Integer, "test samples"),
        new("labelNoise", SpecFieldType.Number, "std of Gaussian label noise"),
        new("bias", SpecFieldType.Boolean, "fold a constant input into every neuron"),
        new("width", SpecFieldType.Integer, "number of hidden neurons m"),
        new("alpha", SpecFieldType.Number, "explicit output scale α"),
        new("beta1", SpecFieldType.Number, "explicit init std of output weights β1"),
        new("beta2", SpecFieldType.Number, "explicit init std of input weights β2"),
        new("gamma", SpecFieldType.Number, "Luo coordinate γ"),
        new("gammaPrime", SpecFieldType.Number, "Luo coordinate γ'"),
        new("preset", SpecFieldType.Text, "ntk | mean-field | xavier | lecun | he"),
        new("alphaG", SpecFieldType.Number, "Geiger output scale α_G"),
        new("antisymmetric", SpecFieldType.Boolean, "mirrored initialization (f₀ = 0)"),
        new("weightDecay", SpecFieldType.Number, "weight decay λ"),
        new("stepRule", SpecFieldType.Text, "adaptive | fixed"),
        new("learningRate", SpecFieldType.Number, "fixed step size"),
        new("stepScale", SpecFieldType.Number, "adaptive step: η = stepScale / curvature"),
        new("maxSteps", SpecFieldType.Integer, "step budget"),
        new("lossTolerance", SpecFieldType.Number, "stop when the train loss falls below this"),
        new("seed", SpecFieldType.Integer, "seed of every random stream"),
    ];

    private static readonly Dictionary<string, SpecField> FieldsByName =
        Fields.ToDictionary(field => field.Name, StringComparer.Ordinal);

    private readonly Dictionary<string, object> values = new(StringComparer.Ordinal);

    public RunSpecBuilder()
    {
    }

    public RunSpecBuilder(RunSpecBuilder other)
    {
        foreach (var pair in other.values)
        {
            values[pair.Key] = pair.Value;
        }
    }

    public static bool IsField(string name) => FieldsByName.ContainsKey(name);

    /// <summary>The field of that name, or null.</summary>
    public static SpecField? FieldNamed(string name) => FieldsByName.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, object> Values => values;

    /// <summary>Sets a field from a string, number, boolean or list; converts it to the field's type.</summary>
    public RunSpecBuilder Set(string name, object value)
    {
        if (!FieldsByName.TryGetValue(name, out var field))
        {
            var hint = NearMiss.Closest(name, FieldsByName.Keys) is { } best ? $" (did you mean '{best}'?)" : string.Empty;
            throw new SpecException(name, $"unknown field '{name}'{hint}");
        }

        values[name] = Convert(field, value);
        return this;
    }

    public RunSpecBuilder Remove(string name)
    {
        values.Remove(name);
        return this;
    }

    public RunSpec Build()
    {
        var data = TextOr("data", "teacher") switch
        {
            "teacher" => DataKind.Teacher,
            "luo1d" => DataKind.Luo1D,
            var other => throw new SpecException("data", $"unknown data '{other}' (expected teacher or luo1d)"),
        };
        var isTeacher = data == DataKind.Teacher;

        int inputDim;
        int trainSamples;
        int teachers = 0;
        var directions = TeacherDirections.Random;
        IReadOnlyList<double> signs = [];
        if (isTeacher)
        {
            inputDim = IntOr("inputDim", 16);
            Require(inputDim >= 1, "inputDim", "inputDim must be at least 1");
            teachers = IntOr("teachers", 2);
            Require(teachers >= 1, "teachers", "teachers must be at least 1");
            Require(teachers <= inputDim, "teachers", $"teachers ({teachers}) cannot exceed inputDim ({inputDim}): teacher directions are orthonormal");
            directions = TextOr("teacherDirections", "random") switch
            {
                "random" => TeacherDirections.Random,
                "axis" => TeacherDirections.Axis,
                var other => throw new SpecException("teacherDirections", $"unknown teacherDirections '{other}' (expected random or axis)"),
            };
            if (values.TryGetValue("teacherSigns", out var given))
            {
                signs = (double[])given;
                Require(signs.Count == teachers, "teacherSigns", $"teacherSigns has {signs.Count} values but there are {teachers} teachers");
                Require(signs.All(s => s != 0 && double.IsFinite(s)), "teacherSigns", "teacherSigns must be finite and non-zero");
            }
            else
            {
                signs = Enumerable.Range(0, teachers).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray();
            }

            trainSamples = IntOr("trainSamples", 256);
        }
        else
        {
            foreach (var teacherOnly in new[] { "teachers", "teacherDirections", "teacherSigns" })
            {
                Require(!values.ContainsKey(teacherOnly), teacherOnly, $"{teacherOnly} applies to teacher data only, not to luo1d");
            }

            inputDim = IntOr("inputDim", 1);
            Require(inputDim == 1, "inputDim", "the luo1d task has inputDim 1");
            trainSamples = IntOr("trainSamples", Luo1DTask.TrainSamples);
            Require(trainSamples == Luo1DTask.TrainSamples, "trainSamples", $"the luo1d task has {Luo1DTask.TrainSamples} training samples");
        }

        Require(trainSamples >= 1, "trainSamples", "trainSamples must be at least 1");
        var testSamples = IntOr("testSamples", isTeacher ? 256 : 64);
        Require(testSamples >= 1, "testSamples", "testSamples must be at least 1");
        var labelNoise = NumberOr("labelNoise", 0);
        Require(labelNoise >= 0, "labelNoise", "labelNoise must be non-negative");

        var width = IntOr("width", 256);
        Require(width >= 1, "width", "width must be at least 1");
        Require((long)width * (inputDim + 2) <= 1L << 28, "width", "width × inputDim is too large for one run");
        var antisymmetric = BoolOr("antisymmetric", false);
        Require(!antisymmetric || width % 2 == 0, "antisymmetric", $"antisymmetric initialization needs an even width (width is {width})");

        var parametrization = BuildParametrization();

        var weightDecay = NumberOr("weightDecay", 0);
        Require(weightDecay >= 0, "weightDecay", "weightDecay must be non-negative");
        var hasRate = values.ContainsKey("learningRate");
        var stepRule = TextOr("stepRule", hasRate ? "fixed" : "adaptive") switch
        {
            "adaptive" => StepRule.Adaptive,
            "fixed" => StepRule.Fixed,
            var other => throw new SpecException("stepRule", $"unknown stepRule '{other}' (expected adaptive or fixed)"),
        };
        double learningRate = 0;
        double stepScale = 0;
        if (stepRule == StepRule.Fixed)
        {
            Require(hasRate, "learningRate", "stepRule fixed needs a learningRate");
            Require(!values.ContainsKey("stepScale"), "stepScale", "stepScale applies to the adaptive step rule only; the fixed rule uses learningRate");
            learningRate = NumberOr("learningRate", 0);
            Require(learningRate > 0, "learningRate", "learningRate must be positive");
        }
        else
        {
            Require(!hasRate, "learningRate", "learningRate contradicts stepRule adaptive (give one or the other)");
            stepScale = NumberOr("stepScale", 1);
            Require(stepScale > 0, "stepScale", "stepScale must be positive");
        }

        var maxSteps = IntOr("maxSteps", 10_000);
        Require(maxSteps >= 1, "maxSteps", "maxSteps must be at least 1");
        var lossTolerance = NumberOr("lossTolerance", 1e-5);
        Require(lossTolerance >= 0, "lossTolerance", "lossTolerance must be non-negative");

        ulong seed = 1;
        if (values.TryGetValue("seed", out var seedValue))
        {
            var seedNumber = (long)seedValue;
            Require(seedNumber >= 0, "seed", "seed must be non-negative");
            seed = (ulong)seedNumber;
        }

        return new RunSpec
        {
            Data = data,
            InputDim = inputDim,
            Teachers = teachers,
            TeacherDirections = directions,
            TeacherSigns = signs,
            TrainSamples = trainSamples,
            TestSamples = testSamples,
            LabelNoise = labelNoise,
            Bias = BoolOr("bias", !isTeacher),
            Width = width,
            Parametrization = parametrization,
            Antisymmetric = antisymmetric,
            WeightDecay = weightDecay,
            StepRule = stepRule,
            LearningRate = learningRate,
            StepScale = stepScale,
            MaxSteps = maxSteps,
            LossTolerance = lossTolerance,
            Seed = seed,
        };
    }

    /// <summary>Fills a builder with every field of an existing spec (the inverse of <see cref="Build"/>).</summary>
    public static RunSpecBuilder From(RunSpec spec)
    {
        var builder = new RunSpecBuilder();
        foreach (var (name, value) in RunSpecJson.CanonicalFields(spec))
        {
            builder.Set(name, value);
        }

        return builder;
    }

    private Parametrization BuildParametrization()
    {
        string[][] groups =
        [
            ["preset"],
            ["gamma", "gammaPrime"],
            ["alphaG"],
            ["alpha", "beta1", "beta2"],
        ];
        var given = groups
            .Select(group => group.Where(values.ContainsKey).ToArray())
            .Where(present => present.Length > 0)
            .ToArray();
        if (given.Length > 1)
        {
            throw new SpecException(
                given[1][0],
                $"contradictory parametrization: '{given[0][0]}' and '{given[1][0]}' cannot both be given (choose a preset, Luo coordinates, alphaG, or explicit alpha/beta1/beta2)");
        }

        if (given.Length == 0)
        {
            return Parametrization.FromPreset(Preset.Ntk);
        }

        switch (given[0][0])
        {
            case "preset":
                var name = TextOr("preset", "ntk");
                if (!PresetNames.TryParse(name, out var preset))
                {
                    throw new SpecException("preset", $"unknown preset '{name}' (expected ntk, mean-field, xavier, lecun or he)");
                }

                return Parametrization.FromPreset(preset);
            case "gamma" or "gammaPrime":
                Require(values.ContainsKey("gamma"), "gamma", "gammaPrime needs gamma too");
                return Parametrization.FromLuo(NumberOr("gamma", 0), NumberOr("gammaPrime", 0));
            case "alphaG":
                var alphaG = NumberOr("alphaG", 1);
                Require(alphaG > 0, "alphaG", "alphaG must be positive");
                return Parametrization.FromGeiger(alphaG);
            default:
                var alpha = NumberOr("alpha", 1);
                var beta1 = NumberOr("beta1", 1);
                var beta2 = NumberOr("beta2", 1);
                Require(alpha > 0, "alpha", "alpha must be positive");
                Require(beta1 > 0, "beta1", "beta1 must be positive");
                Require(beta2 > 0, "beta2", "beta2 must be positive");
                return Parametrization.FromExplicit(alpha, beta1, beta2);
        }
    }

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new SpecException(field, message);
        }
    }

    private int IntOr(string name, int fallback)
    {
        if (!values.TryGetValue(name, out var value))
        {
            return fallback;
        }

        var number = (long)value;
        Require(number is >= int.MinValue and <= int.MaxValue, name, $"{name} is out of range");
        return (int)number;
    }

    private double NumberOr(string name, double fallback) => values.TryGetValue(name, out var value) ? (double)value : fallback;

    private bool BoolOr(string name, bool fallback) => values.TryGetValue(name, out var value) ? (bool)value : fallback;

    private string TextOr(string name, string fallback) => values.TryGetValue(name, out var value) ? (string)value : fallback;

    private static object Convert(SpecField field, object value)
    {
        var name = field.Name;
        switch (field.Type)
        {
            case SpecFieldType.Integer:
                var number = ToNumber(name, value);
                if (number != Math.Floor(number) || Math.Abs(number) > 9.007199254740992E15)
                {
                    throw new SpecException(name, $"{name} must be a whole number, not {Show(value)}");
                }

                return (long)number;
            case SpecFieldType.Number:
                return ToNumber(name, value);
            case SpecFieldType.Boolean:
                return value switch
                {
                    bool flag => flag,
                    string text when bool.TryParse(text, out var parsed) => parsed,
                    _ => throw new SpecException(name, $"{name} must be true or false, not {Show(value)}"),
                };
            case SpecFieldType.Text:
                if (value is string text2 && text2.Length > 0)
                {
                    return text2.Trim().ToLowerInvariant();
                }

                throw new SpecException(name, $"{name} must be text, not {Show(value)}");
            case SpecFieldType.NumberList:
                return value switch
                {
                    string list => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(item => ToNumber(name, item)).ToArray(),
                    System.Collections.IEnumerable items => items.Cast<object>().Select(item => ToNumber(name, item)).ToArray(),
                    _ => [ToNumber(name, value)],
                };
            default:
                throw new InvalidOperationException($"Unknown field type {field.Type}.");
        }
    }

    private static double ToNumber(string name, object value)
    {
        var number = value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            ulong u => u,
            decimal m => (double)m,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw new SpecException(name, $"{name} must be a number, not {Show(value)}"),
        };
        if (!double.IsFinite(number))
        {
            throw new SpecException(name, $"{name} must be finite, not {Show(value)}");
        }

        return number;
    }

    private static string Show(object value) => value switch
    {
        string s => $"'{s}'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}
