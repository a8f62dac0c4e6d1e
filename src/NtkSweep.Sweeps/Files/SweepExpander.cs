using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// Turns a sweep into runs, building and validating the spec of every point. Shared by
/// <see cref="SweepDefinition.Expand"/> and by the parser, which uses it to check every point before it accepts a
/// file and to point each problem at the line that set the offending field.
/// </summary>
internal static class SweepExpander
{
    /// <summary>
    /// Fields whose value decides the defaults or the rules of other fields. After an error in one of them a point
    /// is not rebuilt without it, because the defaults that would take its place could raise errors the user never
    /// caused (e.g. dropping a mistyped <c>data</c> falls back to teacher data and misjudges luo1d fields).
    /// </summary>
    private static readonly HashSet<string> FieldsOthersDependOn =
        new(["data", "inputDim", "teachers", "stepRule", "learningRate"], StringComparer.Ordinal);

    /// <summary>Expands <paramref name="sweep"/>, adding each distinct problem to <paramref name="problems"/> once.</summary>
    /// <param name="sweep">The sweep to expand.</param>
    /// <param name="lineOfField">The line that set a field (or the line to blame for a defaulted one).</param>
    /// <param name="problems">Collects problems; problems already in it are not repeated.</param>
    /// <param name="fieldsWithProblems">Fields already reported as malformed: their follow-on errors are not repeated.</param>
    public static IReadOnlyList<SweepPoint> Expand(
        SweepDefinition sweep,
        Func<string, int> lineOfField,
        List<SweepProblem> problems,
        IReadOnlySet<string>? fieldsWithProblems = null)
    {
        var reported = new HashSet<SweepProblem>(problems);
        void Report(SpecException error)
        {
            var field = string.IsNullOrEmpty(error.Field) ? "spec" : error.Field;
            if (fieldsWithProblems?.Contains(field) == true)
            {
                return;
            }

            var problem = new SweepProblem(sweep.SourcePath, lineOfField(field), field, error.Message);
            if (reported.Add(problem))
            {
                problems.Add(problem);
            }
        }

        var shared = new RunSpecBuilder();
        foreach (var (field, value) in sweep.Fixed)
        {
            TrySet(shared, field, value, Report);
        }

        var points = new List<SweepPoint>();
        var axes = sweep.Axes;
        if (sweep.Seeds.Count == 0 || axes.Any(axis => axis.Values.Count == 0))
        {
            return points;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var position = new int[axes.Count];
        while (true)
        {
            var pointBuilder = new RunSpecBuilder(shared);
            var axisValues = new OrderedDictionary<string, object>(StringComparer.Ordinal);
            var settable = true;
            for (var axisIndex = 0; axisIndex < axes.Count; axisIndex++)
            {
                var axis = axes[axisIndex];
                var value = axis.Values[position[axisIndex]];
                axisValues[axis.Field] = value;
                settable &= TrySet(pointBuilder, axis.Field, value, Report);
            }

            if (settable)
            {
                foreach (var seed in sweep.Seeds)
                {
                    var seeded = new RunSpecBuilder(pointBuilder).Set("seed", seed);
                    var spec = TryBuild(seeded, Report);
                    if (spec is null)
                    {
                        continue;
                    }

                    var key = RunKey.For(spec);
                    if (keys.Add(key))
                    {
                        var values = new OrderedDictionary<string, object>(axisValues, StringComparer.Ordinal) { ["seed"] = seed };
                        points.Add(new SweepPoint(spec, key, values));
                    }
                }
            }

            if (!Advance(position, axes))
            {
                return points;
            }
        }
    }

    /// <summary>Steps the odometer (last axis fastest); false once every combination has been visited.</summary>
    private static bool Advance(int[] position, IReadOnlyList<SweepAxis> axes)
    {
        for (var axisIndex = axes.Count - 1; axisIndex >= 0; axisIndex--)
        {
            position[axisIndex]++;
            if (position[axisIndex] < axes[axisIndex].Values.Count)
            {
                return true;
            }

            position[axisIndex] = 0;
        }

        return false;
    }

    private static bool TrySet(RunSpecBuilder builder, string field, object value, Action<SpecException> report)
    {
        try
        {
            builder.Set(field, value);
            return true;
        }
        catch (SpecException error)
        {
            report(error);
            return false;
        }
    }

    /// <summary>
    /// Builds a spec; on failure reports the error and, so that one point can reveal several independent mistakes,
    /// rebuilds without the offending field until the spec builds or the field cannot be dropped.
    /// </summary>
    private static RunSpec? TryBuild(RunSpecBuilder builder, Action<SpecException> report)
    {
        RunSpecBuilder? withoutBadFields = null;
        for (var attempt = 0; attempt <= RunSpecBuilder.Fields.Count; attempt++)
        {
            try
            {
                var spec = (withoutBadFields ?? builder).Build();
                return withoutBadFields is null ? spec : null;
            }
            catch (SpecException error)
            {
                report(error);
                withoutBadFields ??= new RunSpecBuilder(builder);
                if (!withoutBadFields.Values.ContainsKey(error.Field) || FieldsOthersDependOn.Contains(error.Field))
                {
                    return null;
                }

                withoutBadFields.Remove(error.Field);
            }
        }

        return null;
    }
}
