using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// What a sweep will do and roughly what it will cost, shown before it is started (e.g. by a dry run) so that a
/// sweep too large for the machine is caught while it is still a file.
/// </summary>
public static class SweepPlan
{
    /// <summary>A human-readable multi-line summary of <paramref name="sweep"/>.</summary>
    /// <param name="sweep">The sweep to describe.</param>
    /// <param name="cores">Cores to estimate wall time for; the machine's processor count when null.</param>
    /// <param name="gflopsPerCore">Assumed speed of one core.</param>
    public static string Describe(SweepDefinition sweep, int? cores = null, double gflopsPerCore = RunCost.DefaultGflopsPerCore)
    {
        var plan = Summarize(sweep, cores, gflopsPerCore);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Sweep '{sweep.Name}' ({sweep.SourcePath})").Append('\n');
        if (!string.IsNullOrWhiteSpace(sweep.Description))
        {
            text.Append("  ").Append(sweep.Description.Trim()).Append('\n');
        }

        var factors = sweep.Axes
            .Select(axis => string.Create(CultureInfo.InvariantCulture, $"{axis.Values.Count} {axis.Field}"))
            .Append(string.Create(CultureInfo.InvariantCulture, $"{sweep.Seeds.Count} seed{(sweep.Seeds.Count == 1 ? string.Empty : "s")}"));
        text.Append(CultureInfo.InvariantCulture, $"Runs: {plan.Runs} ({string.Join(" × ", factors)}");
        if (plan.Runs < plan.GridSize)
        {
            text.Append(CultureInfo.InvariantCulture, $" = {plan.GridSize} grid points, {plan.GridSize - plan.Runs} of them repeats of another run");
        }

        text.Append(")\n");

        if (sweep.Axes.Count == 0)
        {
            text.Append("Axes: none\n");
        }
        else
        {
            text.Append("Axes:\n");
            foreach (var axis in sweep.Axes)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {axis.Field} ({axis.Kind}, {axis.Values.Count}): ")
                    .Append(AxisValuesText(axis.Values))
                    .Append('\n');
            }
        }

        text.Append("Seeds: ").Append(SweepFormat.Seeds(sweep.Seeds)).Append('\n');
        if (sweep.Fixed.Count > 0)
        {
            text.Append("Fixed:\n");
            foreach (var (field, value) in sweep.Fixed)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {field} = {SweepFormat.Value(value)}").Append('\n');
            }
        }

        if (sweep.Refine is { } refine)
        {
            var x = sweep.Axes.Single(axis => axis.Field == refine.X).Values.Count;
            var y = sweep.Axes.Single(axis => axis.Field == refine.Y).Values.Count;
            var finest = ((long)(x - 1) * (1L << refine.Levels) + 1) * ((long)(y - 1) * (1L << refine.Levels) + 1);
            text.Append(CultureInfo.InvariantCulture, $"Refine: {refine.X} × {refine.Y}, up to {refine.Levels} levels; the runs above are the {x} × {y} start, and the coordinator adds cells at half the spacing where neighbours disagree (a uniform grid at the finest spacing would have {finest} cells, {finest * plan.Runs / Math.Max(1, x * y)} runs)")
                .Append('\n');
        }

        var hints = ReportHints(sweep.Report).ToList();
        if (hints.Count > 0)
        {
            text.Append("Report: ").Append(string.Join(", ", hints.Select(hint => $"{hint.Name} = {hint.Value}"))).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"Estimated cost: {SweepFormat.Gflop(plan.TotalFlops)} GFLOP")
            .Append(CultureInfo.InvariantCulture, $" ≈ {SweepFormat.Duration(plan.CpuSeconds)} of CPU at {SweepFormat.Number(gflopsPerCore)} GFLOP/s per core")
            .Append(CultureInfo.InvariantCulture, $", ≈ {SweepFormat.Duration(plan.WallSeconds)} wall on {plan.Cores} core{(plan.Cores == 1 ? string.Empty : "s")}")
            .Append('\n');
        if (plan.MostExpensive is { } costliest)
        {
            var where = string.Join(", ", costliest.AxisValues.Select(pair => $"{pair.Key}={SweepFormat.Value(pair.Value)}"));
            text.Append(CultureInfo.InvariantCulture, $"Most expensive run: {SweepFormat.Gflop(plan.MostExpensiveFlops)} GFLOP")
                .Append(CultureInfo.InvariantCulture, $" ≈ {SweepFormat.Duration(plan.MostExpensiveSeconds)} ({where}; key {costliest.Key})")
                .Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The same information as <see cref="Describe"/>, as indented JSON with full-precision numbers.</summary>
    /// <param name="sweep">The sweep to describe.</param>
    /// <param name="cores">Cores to estimate wall time for; the machine's processor count when null.</param>
    /// <param name="gflopsPerCore">Assumed speed of one core.</param>
    public static string ToJson(SweepDefinition sweep, int? cores = null, double gflopsPerCore = RunCost.DefaultGflopsPerCore)
    {
        var plan = Summarize(sweep, cores, gflopsPerCore);

        // Written by hand: axis values are YAML scalars of mixed types (numbers, strings, booleans) that keep the
        // sweep file's spelling, which a generated contract over object values would not.
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", sweep.Name);
            json.WriteString("description", sweep.Description);
            json.WriteString("source", sweep.SourcePath);
            json.WriteNumber("runs", plan.Runs);
            json.WriteNumber("gridPoints", plan.GridSize);

            json.WriteStartArray("axes");
            foreach (var axis in sweep.Axes)
            {
                json.WriteStartObject();
                json.WriteString("field", axis.Field);
                json.WriteString("kind", axis.Kind);
                json.WriteNumber("count", axis.Values.Count);
                json.WriteStartArray("values");
                foreach (var value in axis.Values)
                {
                    WriteValue(json, value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("seeds");
            foreach (var seed in sweep.Seeds)
            {
                json.WriteNumberValue(seed);
            }

            json.WriteEndArray();

            json.WriteStartObject("fixed");
            foreach (var (field, value) in sweep.Fixed)
            {
                json.WritePropertyName(field);
                WriteValue(json, value);
            }

            json.WriteEndObject();

            json.WriteStartObject("report");
            json.WriteString("x", sweep.Report.X);
            json.WriteString("y", sweep.Report.Y);
            json.WriteString("boundary", sweep.Report.Boundary);
            json.WriteString("crossover", sweep.Report.Crossover);
            json.WriteEndObject();

            json.WriteStartObject("cost");
            json.WriteNumber("gflopsPerCore", gflopsPerCore);
            json.WriteNumber("cores", plan.Cores);
            json.WriteNumber("totalGflop", plan.TotalFlops / 1e9);
            json.WriteNumber("cpuSeconds", plan.CpuSeconds);
            json.WriteNumber("wallSeconds", plan.WallSeconds);
            if (plan.MostExpensive is { } costliest)
            {
                json.WriteStartObject("mostExpensiveRun");
                json.WriteString("key", costliest.Key);
                json.WriteNumber("gflop", plan.MostExpensiveFlops / 1e9);
                json.WriteNumber("seconds", plan.MostExpensiveSeconds);
                json.WriteStartObject("axisValues");
                foreach (var (field, value) in costliest.AxisValues)
                {
                    json.WritePropertyName(field);
                    WriteValue(json, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("mostExpensiveRun");
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static PlanSummary Summarize(SweepDefinition sweep, int? cores, double gflopsPerCore)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        if (!(gflopsPerCore > 0) || !double.IsFinite(gflopsPerCore))
        {
            throw new ArgumentOutOfRangeException(nameof(gflopsPerCore), gflopsPerCore, "The speed must be a positive number of GFLOP/s.");
        }

        var coreCount = cores ?? Environment.ProcessorCount;
        if (coreCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cores), cores, "There must be at least one core.");
        }

        var points = sweep.Expand();
        double total = 0;
        SweepPoint? costliest = null;
        double costliestFlops = 0;
        foreach (var point in points)
        {
            var flops = RunCost.EstimateFlops(point.Spec);
            total += flops;
            if (costliest is null || flops > costliestFlops)
            {
                costliest = point;
                costliestFlops = flops;
            }
        }

        return new PlanSummary(points.Count, sweep.GridSize, total, costliest, costliestFlops, coreCount, gflopsPerCore * 1e9);
    }

    /// <summary>Every value of a short axis; a long one's ends (the JSON form always has every value).</summary>
    private static string AxisValuesText(IReadOnlyList<object> values)
    {
        const int MaxShown = 16;
        if (values.Count <= MaxShown)
        {
            return string.Join(", ", values.Select(SweepFormat.Value));
        }

        var head = values.Take(8).Select(SweepFormat.Value);
        var tail = values.Skip(values.Count - 4).Select(SweepFormat.Value);
        return string.Join(", ", head) + ", …, " + string.Join(", ", tail);
    }

    private static IEnumerable<(string Name, string Value)> ReportHints(SweepReportHints hints)
    {
        (string Name, string? Value)[] all = [("x", hints.X), ("y", hints.Y), ("boundary", hints.Boundary), ("crossover", hints.Crossover)];
        return all.Where(hint => hint.Value is not null).Select(hint => (hint.Name, hint.Value!));
    }

    private static void WriteValue(Utf8JsonWriter json, object value)
    {
        switch (value)
        {
            case double number:
                json.WriteNumberValue(number);
                break;
            case long whole:
                json.WriteNumberValue(whole);
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case double[] list:
                json.WriteStartArray();
                foreach (var item in list)
                {
                    json.WriteNumberValue(item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStringValue(SweepFormat.Value(value));
                break;
        }
    }

    /// <summary>The numbers both renderings show.</summary>
    private sealed record PlanSummary(
        int Runs,
        long GridSize,
        double TotalFlops,
        SweepPoint? MostExpensive,
        double MostExpensiveFlops,
        int Cores,
        double FlopsPerSecondPerCore)
    {
        public double CpuSeconds => TotalFlops / FlopsPerSecondPerCore;

        public double MostExpensiveSeconds => MostExpensiveFlops / FlopsPerSecondPerCore;

        /// <summary>Ideal packing of runs onto cores, but never shorter than the longest single run.</summary>
        public double WallSeconds => Math.Max(CpuSeconds / Cores, MostExpensiveSeconds);
    }
}
