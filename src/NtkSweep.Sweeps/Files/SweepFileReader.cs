using System.Globalization;
using NtkSweep.Training.Specs;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// One pass over one sweep file. Keeps going after a problem (skipping only the part that is wrong) so that every
/// problem is reported together, and remembers which line set each field so that errors found later, while
/// expanding, can point back at it.
/// </summary>
internal sealed class SweepFileReader
{
    private static readonly string[] TopLevelKeys = ["name", "description", "fixed", "axes", "seeds", "report", "refine"];

    private static readonly string[] AxisForms = ["list", "linspace", "logspace"];

    private static readonly string[] ReportKeys = ["x", "y", "boundary", "crossover"];

    private static readonly string[] Boundaries = ["luo", "none"];

    private static readonly Dictionary<string, SpecField> SpecFields =
        RunSpecBuilder.Fields.ToDictionary(field => field.Name, StringComparer.Ordinal);

    private readonly string file;
    private readonly List<SweepProblem> problems = [];
    private readonly HashSet<SweepProblem> reported = [];
    private readonly Dictionary<string, int> fieldLines = new(StringComparer.Ordinal);
    private readonly HashSet<string> fieldsWithProblems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> sectionLines = new(StringComparer.Ordinal);

    public SweepFileReader(string file)
    {
        this.file = file;
    }

    public SweepDefinition Read(string text)
    {
        var root = YamlSweepLoader.LoadRoot(text, Report);
        if (root is null)
        {
            throw Failure();
        }

        var sections = ReadSections(root);
        var name = ReadName(sections.GetValueOrDefault("name"));
        var description = ReadDescription(sections.GetValueOrDefault("description"));
        var fixedFields = ReadFixed(sections.GetValueOrDefault("fixed"));
        var axes = ReadAxes(sections.GetValueOrDefault("axes"));
        var seeds = ReadSeeds(sections.GetValueOrDefault("seeds"));
        var hints = ReadReport(sections.GetValueOrDefault("report"));
        var refine = ReadRefine(sections.GetValueOrDefault("refine"), axes);

        var definition = new SweepDefinition
        {
            Name = name ?? string.Empty,
            Description = description,
            SourcePath = file,
            Fixed = fixedFields,
            Axes = axes,
            Seeds = seeds,
            Report = hints,
            Refine = refine,
        };

        var gridSize = axes.Aggregate((double)seeds.Count, (product, axis) => product * axis.Values.Count);
        if (gridSize > SweepFileParser.MaxRuns)
        {
            Report(
                sectionLines.GetValueOrDefault("axes", sectionLines.GetValueOrDefault("seeds", 1)),
                "axes",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"the sweep expands to {gridSize:0} runs, more than the limit of {SweepFileParser.MaxRuns}; split it into several sweep files"));
        }
        else
        {
            SweepExpander.Expand(definition, LineOfField, problems, fieldsWithProblems);
        }

        if (problems.Count > 0)
        {
            throw Failure();
        }

        return definition;
    }

    private SweepFileException Failure() =>
        new([.. problems.OrderBy(problem => problem.Line)]);

    private void Report(int line, string key, string message)
    {
        var problem = new SweepProblem(file, line, key, message);
        if (reported.Add(problem))
        {
            problems.Add(problem);
        }
    }

    private void Report(YamlNode node, string key, string message) => Report(YamlSweepLoader.LineOf(node.Start), key, message);

    /// <summary>Reports a problem with a field's own value; later errors about that field would only repeat it.</summary>
    private void ReportField(YamlNode node, string field, string message)
    {
        fieldsWithProblems.Add(field);
        Report(node, field, message);
    }

    /// <summary>The line to blame for a spec error about <paramref name="field"/> found while expanding.</summary>
    private int LineOfField(string field) =>
        fieldLines.TryGetValue(field, out var line) ? line : sectionLines.GetValueOrDefault(field == "seed" ? "seeds" : "fixed", 1);

    private Dictionary<string, YamlNode> ReadSections(YamlMappingNode root)
    {
        var sections = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = KeyText(keyNode, "top level");
            if (key is null)
            {
                continue;
            }

            if (TopLevelKeys.Contains(key, StringComparer.Ordinal))
            {
                sections[key] = valueNode;
                sectionLines[key] = YamlSweepLoader.LineOf(keyNode.Start);
            }
            else if (RunSpecBuilder.IsField(key) && key != "seed")
            {
                Report(keyNode, key, $"'{key}' is a run-spec field: put it under fixed (one value) or axes (several values)");
            }
            else
            {
                Report(keyNode, key, $"unknown top-level key '{key}'{Suggest(key, TopLevelKeys)}; expected name, description, fixed, axes, seeds or report");
            }
        }

        return sections;
    }

    private string? ReadName(YamlNode? node)
    {
        if (node is null)
        {
            Report(1, "name", "a sweep needs a name (lower-case letters, digits and '-')");
            return null;
        }

        var name = ScalarText(node);
        if (name is null || name.Length == 0 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            Report(node, "name", $"the name must be lower-case letters, digits and '-' (it names the sweep's store and report), not {Show(node)}");
            return null;
        }

        return name;
    }

    private string? ReadDescription(YamlNode? node)
    {
        if (node is null || IsNull(node))
        {
            return null;
        }

        var text = ScalarText(node);
        if (text is null)
        {
            Report(node, "description", "the description must be text");
        }

        return text;
    }

    private OrderedDictionary<string, object> ReadFixed(YamlNode? node)
    {
        var values = new OrderedDictionary<string, object>(StringComparer.Ordinal);
        if (node is null || IsNull(node))
        {
            return values;
        }

        if (node is not YamlMappingNode mapping)
        {
            Report(node, "fixed", "fixed must be a mapping of run-spec fields to values, e.g. fixed: {data: luo1d}");
            return values;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var field = FieldName(keyNode, "fixed");
            if (field is null)
            {
                continue;
            }

            fieldLines[field.Name] = YamlSweepLoader.LineOf(keyNode.Start);
            var value = ReadFixedValue(field, valueNode);
            if (value is not null)
            {
                values[field.Name] = value;
            }
        }

        return values;
    }

    private object? ReadFixedValue(SpecField field, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode when IsNull(node):
                ReportField(node, field.Name, $"{field.Name} has no value");
                return null;
            case YamlScalarNode scalar:
                return Convert(field, scalar.Value!, node);
            case YamlSequenceNode sequence when field.Type == SpecFieldType.NumberList:
                var items = ListItems(field, sequence);
                return items is null ? null : Convert(field, items, node);
            case YamlSequenceNode:
                ReportField(node, field.Name, $"{field.Name} takes one value under fixed; to run several values, make it an axis");
                return null;
            default:
                ReportField(node, field.Name, $"{field.Name} must be a value, not a mapping");
                return null;
        }
    }

    private List<SweepAxis> ReadAxes(YamlNode? node)
    {
        var axes = new List<SweepAxis>();
        if (node is null || IsNull(node))
        {
            return axes;
        }

        if (node is not YamlMappingNode mapping)
        {
            Report(node, "axes", "axes must be a mapping of run-spec fields to lists of values, e.g. axes: {width: [64, 256]}");
            return axes;
        }

        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var field = FieldName(keyNode, "axes");
            if (field is null)
            {
                continue;
            }

            if (fieldLines.TryGetValue(field.Name, out var fixedLine))
            {
                Report(
                    keyNode,
                    field.Name,
                    string.Create(CultureInfo.InvariantCulture, $"'{field.Name}' is both fixed (line {fixedLine}) and an axis; give it in one place"));
                continue;
            }

            var axis = ReadAxis(field, valueNode);
            if (axis is not null)
            {
                fieldLines[field.Name] = YamlSweepLoader.LineOf(keyNode.Start);
                axes.Add(axis);
            }
            else
            {
                fieldsWithProblems.Add(field.Name);
            }
        }

        return axes;
    }

    private SweepAxis? ReadAxis(SpecField field, YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                return ListAxis(field, sequence);
            case YamlMappingNode { Children.Count: 1 } mapping:
                var (formKey, formValue) = mapping.Children.First();
                var form = KeyText(formKey, "axis form");
                switch (form)
                {
                    case null:
                        return null;
                    case "list" when formValue is YamlSequenceNode sequence:
                        return ListAxis(field, sequence);
                    case "list":
                        ReportField(formValue, field.Name, "list takes a sequence of values, e.g. {list: [64, 256]}");
                        return null;
                    case "linspace" or "logspace":
                        return SpacedAxis(field, form, formValue);
                    default:
                        ReportField(formKey, field.Name, $"unknown axis form '{form}'{Suggest(form, AxisForms)}; expected list, linspace or logspace");
                        return null;
                }

            case YamlMappingNode:
                ReportField(node, field.Name, "an axis is a list [a, b, ...] or exactly one of {list: [...]}, {linspace: [start, stop, count]}, {logspace: [start, stop, count]}");
                return null;
            case YamlScalarNode when IsNull(node):
                ReportField(node, field.Name, $"the axis '{field.Name}' has no values");
                return null;
            default:
                ReportField(node, field.Name, $"an axis takes a list of values, e.g. {field.Name}: [a, b]; a single value belongs under fixed");
                return null;
        }
    }

    private SweepAxis? ListAxis(SpecField field, YamlSequenceNode sequence)
    {
        if (sequence.Children.Count == 0)
        {
            ReportField(sequence, field.Name, $"the axis '{field.Name}' has no values");
            return null;
        }

        var values = new List<object>();
        var valid = true;
        foreach (var item in sequence.Children)
        {
            object? value = null;
            switch (item)
            {
                case YamlScalarNode scalar when !IsNull(item):
                    value = Convert(field, scalar.Value!, item);
                    break;
                case YamlSequenceNode list when field.Type == SpecFieldType.NumberList:
                    value = ListItems(field, list) is { } items ? Convert(field, items, item) : null;
                    break;
                default:
                    var expected = field.Type == SpecFieldType.NumberList ? "a list of numbers" : "a single value";
                    ReportField(item, field.Name, $"each value of the axis '{field.Name}' must be {expected}, not {Show(item)}");
                    break;
            }

            if (value is null)
            {
                valid = false;
                continue;
            }

            values.Add(value);
        }

        return valid ? new SweepAxis(field.Name, values, "list") : null;
    }

    private SweepAxis? SpacedAxis(SpecField field, string form, YamlNode node)
    {
        if (field.Type is not (SpecFieldType.Integer or SpecFieldType.Number))
        {
            ReportField(node, field.Name, $"{form} needs a numeric field; {field.Name} is {TypeName(field.Type)}");
            return null;
        }

        if (node is not YamlSequenceNode { Children.Count: 3 } arguments || arguments.Children.Any(item => item is not YamlScalarNode))
        {
            ReportField(node, field.Name, $"{form} takes [start, stop, count], e.g. {{{form}: [{(form == "linspace" ? "0.5, 1.5, 5" : "-4, -1, 4")}]}}");
            return null;
        }

        var start = FiniteNumber(field, form, "start", arguments.Children[0]);
        var stop = FiniteNumber(field, form, "stop", arguments.Children[1]);
        var count = FiniteNumber(field, form, "count", arguments.Children[2]);
        if (start is null || stop is null || count is null)
        {
            return null;
        }

        if (count < 1 || count != Math.Floor(count.Value) || count > SweepFileParser.MaxRuns)
        {
            ReportField(
                arguments.Children[2],
                field.Name,
                string.Create(CultureInfo.InvariantCulture, $"the {form} count must be a whole number from 1 to {SweepFileParser.MaxRuns}, not {Show(arguments.Children[2])}"));
            return null;
        }

        var points = (int)count.Value;
        var values = new List<object>(points);
        for (var index = 0; index < points; index++)
        {
            var position = points == 1 ? start.Value
                : index == points - 1 ? stop.Value
                : start.Value + ((stop.Value - start.Value) * index / (points - 1));
            var value = Tidy(form == "logspace" ? Math.Pow(10, position) : position);
            if (!double.IsFinite(value))
            {
                ReportField(node, field.Name, string.Create(CultureInfo.InvariantCulture, $"{form} reaches 10^{position:R}, which is not a finite number"));
                return null;
            }

            var converted = Convert(field, value, node);
            if (converted is null)
            {
                return null;
            }

            values.Add(converted);
        }

        return new SweepAxis(field.Name, values, form);
    }

    private List<long> ReadSeeds(YamlNode? node)
    {
        if (node is null)
        {
            return [1];
        }

        switch (node)
        {
            case YamlScalarNode when !IsNull(node):
                var count = WholeNumber(ScalarText(node));
                if (count is null or < 1 or > SweepFileParser.MaxRuns)
                {
                    Report(node, "seeds", string.Create(CultureInfo.InvariantCulture, $"seeds must be a count from 1 to {SweepFileParser.MaxRuns} (meaning seeds 1..N) or a list of seeds, not {Show(node)}"));
                    return [1];
                }

                return [.. Enumerable.Range(1, (int)count.Value).Select(seed => (long)seed)];
            case YamlSequenceNode { Children.Count: > 0 } sequence:
                var seeds = new List<long>();
                foreach (var item in sequence.Children)
                {
                    var seed = WholeNumber(ScalarText(item));
                    if (seed is null or < 0)
                    {
                        Report(item, "seeds", $"each seed must be a whole number ≥ 0, not {Show(item)}");
                        continue;
                    }

                    seeds.Add(seed.Value);
                }

                return seeds.Count > 0 ? seeds : [1];
            default:
                Report(node, "seeds", "seeds must be a count N (seeds 1..N) or a non-empty list of seeds");
                return [1];
        }
    }

    private SweepReportHints ReadReport(YamlNode? node)
    {
        if (node is null || IsNull(node))
        {
            return new SweepReportHints();
        }

        if (node is not YamlMappingNode mapping)
        {
            Report(node, "report", "report must be a mapping, e.g. report: {x: gammaPrime, y: gamma, boundary: luo}");
            return new SweepReportHints();
        }

        var hints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = KeyText(keyNode, "report");
            if (key is null)
            {
                continue;
            }

            var path = "report." + key;
            if (!ReportKeys.Contains(key, StringComparer.Ordinal))
            {
                Report(keyNode, path, $"unknown report key '{key}'{Suggest(key, ReportKeys)}; expected x, y, boundary or crossover");
                continue;
            }

            var value = ScalarText(valueNode);
            if (value is null || IsNull(valueNode))
            {
                Report(valueNode, path, $"{path} must be a single word, not {Show(valueNode)}");
                continue;
            }

            var problem = key switch
            {
                "boundary" when !Boundaries.Contains(value, StringComparer.Ordinal) =>
                    $"unknown boundary '{value}'; expected luo or none",
                "x" or "y" or "crossover" when !SpecFields.ContainsKey(value) || value == "seed" =>
                    $"'{value}' is not a run-spec field{Suggest(value, SpecFields.Keys)}",
                "crossover" when SpecFields[value].Type != SpecFieldType.Number =>
                    $"the crossover field must be a number (e.g. alphaG), and {value} is not",
                _ => null,
            };
            if (problem is null)
            {
                hints[key] = value;
            }
            else
            {
                Report(valueNode, path, problem);
            }
        }

        return new SweepReportHints
        {
            X = hints.GetValueOrDefault("x"),
            Y = hints.GetValueOrDefault("y"),
            Boundary = hints.GetValueOrDefault("boundary"),
            Crossover = hints.GetValueOrDefault("crossover"),
        };
    }

    /// <summary>The most levels a refinement may ask for: each level can multiply the cells near a boundary by four.</summary>
    public const int MaxRefinementLevels = 5;

    /// <summary>
    /// refine: {x: FIELD, y: FIELD, levels: N}. Both fields must be numeric axes with evenly spaced values (a linspace,
    /// or a list with one step), so that half the spacing is a point of the same lattice.
    /// </summary>
    private SweepRefinement? ReadRefine(YamlNode? node, IReadOnlyList<SweepAxis> axes)
    {
        if (node is null || IsNull(node))
        {
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Report(node, "refine", "refine must be a mapping, e.g. refine: {x: gammaPrime, y: gamma, levels: 3}");
            return null;
        }

        string[] keys = ["x", "y", "levels"];
        var values = new Dictionary<string, (string Text, YamlNode Node)>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = KeyText(keyNode, "refine");
            if (key is null)
            {
                continue;
            }

            if (!keys.Contains(key, StringComparer.Ordinal))
            {
                Report(keyNode, "refine." + key, $"unknown refine key '{key}'{Suggest(key, keys)}; expected x, y or levels");
                continue;
            }

            var text = ScalarText(valueNode);
            if (text is null || IsNull(valueNode))
            {
                Report(valueNode, "refine." + key, $"refine.{key} must be a single value, not {Show(valueNode)}");
                continue;
            }

            values[key] = (text, valueNode);
        }

        var ok = true;
        foreach (var key in keys.Where(key => !values.ContainsKey(key)))
        {
            Report(node, "refine." + key, $"refine needs {key}");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var levelsText = values["levels"].Text;
        if (!int.TryParse(levelsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var levels) || levels < 1 || levels > MaxRefinementLevels)
        {
            Report(values["levels"].Node, "refine.levels", $"refine.levels must be a whole number from 1 to {MaxRefinementLevels}, not '{levelsText}'");
            ok = false;
        }

        foreach (var key in new[] { "x", "y" })
        {
            var (field, valueNode) = values[key];
            var axis = axes.FirstOrDefault(candidate => candidate.Field == field);
            var problem = axis switch
            {
                null => $"refine.{key}: '{field}' is not an axis of this sweep{Suggest(field, axes.Select(candidate => candidate.Field))}",
                _ when field is "width" or "seed" => $"refine.{key}: the {field} is not a coordinate of the phase plane",
                _ when axis.Values.Count < 2 || axis.Values.Any(value => value is not double) => $"refine.{key}: the axis {field} needs at least two numbers",
                _ when !EvenlySpaced(axis.Values.Cast<double>().ToArray()) => $"refine.{key}: the values of {field} must be evenly spaced (a linspace), so that halving the spacing stays on one lattice",
                _ => null,
            };
            if (problem is not null)
            {
                Report(valueNode, "refine." + key, problem);
                ok = false;
            }
        }

        if (ok && values["x"].Text == values["y"].Text)
        {
            Report(values["y"].Node, "refine.y", "refine.x and refine.y must be two different axes");
            ok = false;
        }

        return ok ? new SweepRefinement(values["x"].Text, values["y"].Text, levels) : null;
    }

    private static bool EvenlySpaced(double[] values)
    {
        var step = values[1] - values[0];
        return step > 0 && values.Zip(values.Skip(1)).All(pair => Math.Abs(pair.Second - pair.First - step) <= 1e-9 * Math.Max(1, Math.Abs(step)));
    }

    /// <summary>The run-spec field a fixed/axes key names, or null after reporting why it names none.</summary>
    private SpecField? FieldName(YamlNode keyNode, string section)
    {
        var key = KeyText(keyNode, section);
        if (key is null)
        {
            return null;
        }

        if (key == "seed")
        {
            Report(keyNode, "seed", "seeds come from the top-level 'seeds' key (a count or a list), not from fixed or axes");
            return null;
        }

        if (!SpecFields.TryGetValue(key, out var field))
        {
            Report(keyNode, key, $"unknown run-spec field '{key}'{Suggest(key, SpecFields.Keys)}");
            return null;
        }

        return field;
    }

    private string? KeyText(YamlNode keyNode, string section)
    {
        if (keyNode is YamlScalarNode { Value: { Length: > 0 } key })
        {
            return key;
        }

        Report(keyNode, "yaml", $"keys in {section} must be plain words");
        return null;
    }

    /// <summary>
    /// A sequence of scalars as strings, for a number-list value; null after reporting a non-scalar item.
    /// </summary>
    private object[]? ListItems(SpecField field, YamlSequenceNode sequence)
    {
        var items = new object[sequence.Children.Count];
        for (var index = 0; index < items.Length; index++)
        {
            var item = sequence.Children[index];
            if (item is not YamlScalarNode scalar || IsNull(item))
            {
                ReportField(item, field.Name, $"{field.Name} must be a list of numbers");
                return null;
            }

            items[index] = scalar.Value!;
        }

        return items;
    }

    /// <summary>
    /// Converts a value through <see cref="RunSpecBuilder.Set"/>, which knows each field's type and names the field
    /// in its errors; whole numbers come back as <see cref="double"/> like every other number.
    /// </summary>
    private object? Convert(SpecField field, object raw, YamlNode node)
    {
        try
        {
            var converted = new RunSpecBuilder().Set(field.Name, raw).Values[field.Name];
            return converted is long whole ? (double)whole : converted;
        }
        catch (SpecException error)
        {
            ReportField(node, field.Name, error.Message);
            return null;
        }
    }

    private double? FiniteNumber(SpecField field, string form, string argument, YamlNode node)
    {
        if (double.TryParse(ScalarText(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return number;
        }

        ReportField(node, field.Name, $"the {form} {argument} must be a finite number, not {Show(node)}");
        return null;
    }

    private static long? WholeNumber(string? text)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
        {
            return whole;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number == Math.Floor(number) && Math.Abs(number) < 9e15
            ? (long)number
            : null;
    }

    /// <summary>
    /// Rounds a generated grid value to 12 significant digits, so that 0.1 + 0.2 from a linspace and a 0.3 written
    /// by hand are the same run (and share a key) rather than differing in the last bit.
    /// </summary>
    private static double Tidy(double value) =>
        double.IsFinite(value)
            ? double.Parse(value.ToString("G12", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture)
            : value;

    private static string TypeName(SpecFieldType type) => type switch
    {
        SpecFieldType.Integer => "a whole number",
        SpecFieldType.Number => "a number",
        SpecFieldType.Boolean => "true or false",
        SpecFieldType.NumberList => "a list of numbers",
        _ => "text",
    };

    private static string? ScalarText(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>YAML's null: an empty plain value, <c>~</c> or <c>null</c>.</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Show(YamlNode node) => node switch
    {
        YamlScalarNode when IsNull(node) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        YamlSequenceNode => "a list",
        _ => "a mapping",
    };

    /// <summary>A "did you mean" hint for a near miss (case, or up to two edits); empty when nothing is close.</summary>
    private static string Suggest(string given, IEnumerable<string> candidates) =>
        NearMiss.Closest(given, candidates) is { } best ? $" (did you mean '{best}'?)" : string.Empty;
}
