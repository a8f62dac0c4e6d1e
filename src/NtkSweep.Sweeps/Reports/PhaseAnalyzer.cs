using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>
/// Turns stored runs into cells (SCIENCE.md §5): aggregates seeds per width, fits the width scaling of RD_w and ΔK,
/// labels each cell's regime and decides how the regime map is laid out.
/// </summary>
public static class PhaseAnalyzer
{
    /// <summary>|slope| at or below this is critical; above it lazy (negative) or condensed (positive).</summary>
    public const double CriticalSlope = 0.1;

    /// <summary>Fewer distinct widths than this fall back to the dead band.</summary>
    public const int MinimumWidthsForFit = 3;

    public const double LazyThreshold = 0.1;

    public const double FeatureLearningRdW = 1;

    public const double FarMassThreshold = 0.2;

    /// <summary>Spec fields that say where a run sits in the (γ′, γ) plane.</summary>
    internal static readonly HashSet<string> ParametrizationFields =
        new(StringComparer.Ordinal) { "preset", "gamma", "gammaPrime", "alpha", "beta1", "beta2", "alphaG" };

    public static PhaseAnalysis Analyze(PhaseReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var boundary = input.Options.Boundary?.Trim().ToLowerInvariant();
        if (boundary is not (null or "" or "luo" or "none"))
        {
            throw new ArgumentException($"Unknown boundary '{input.Options.Boundary}' (expected luo or none).", nameof(input));
        }

        var notes = new List<string>();
        var runs = Deduplicate(input.Runs, notes);
        var fieldsByRun = runs
            .Select(run => RunSpecJson.CanonicalFields(run.Spec).ToDictionary(pair => pair.Name, pair => ToAxisValue(pair.Value), StringComparer.Ordinal))
            .ToArray();
        var fieldOrder = MergeFieldOrder(runs);
        var axisFields = fieldOrder
            .Where(field => field != "seed")
            .Where(field => fieldsByRun.Select(fields => fields.TryGetValue(field, out var value) ? value : AxisValue.Missing).Distinct().Skip(1).Any())
            .ToArray();
        var cellFields = axisFields.Where(field => field != "width").ToArray();

        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var groupCoordinates = new Dictionary<string, AxisCoordinate[]>(StringComparer.Ordinal);
        for (var index = 0; index < runs.Length; index++)
        {
            var coordinates = cellFields.Select(field => new AxisCoordinate(field, ValueOf(fieldsByRun[index], field))).ToArray();
            var groupKey = string.Join('\u001f', coordinates.Select(c => c.Value.IsMissing ? "\u0000" : c.Value.Text));
            if (!groups.TryGetValue(groupKey, out var members))
            {
                members = [];
                groups[groupKey] = members;
                groupCoordinates[groupKey] = coordinates;
            }

            members.Add(index);
        }

        var orderedKeys = groups.Keys.OrderBy(key => groupCoordinates[key], CoordinateListComparer.Instance).ToArray();
        var cells = new List<PhaseCell>(orderedKeys.Length);
        var reportRuns = new List<ReportRun>(runs.Length);
        foreach (var key in orderedKeys)
        {
            var members = groups[key]
                .OrderBy(index => runs[index].Spec.Width)
                .ThenBy(index => runs[index].Spec.Seed)
                .ThenBy(index => runs[index].Key, StringComparer.Ordinal)
                .ToArray();
            var cell = BuildCell(cells.Count, groupCoordinates[key], members.Select(index => runs[index]).ToArray());
            cells.Add(cell);
            foreach (var index in members)
            {
                var coordinates = axisFields.Select(field => new AxisCoordinate(field, ValueOf(fieldsByRun[index], field))).ToArray();
                reportRuns.Add(new ReportRun(runs[index], cell.Index, coordinates));
            }
        }

        var plan = PlanMap(input.Options, boundary, cellFields, cells, notes);
        var crossover = input.Options.CrossoverField;
        if (crossover is not null && !cellFields.Contains(crossover, StringComparer.Ordinal) && !fieldOrder.Contains(crossover, StringComparer.Ordinal))
        {
            notes.Add($"The crossover field '{crossover}' is not a spec field of these runs; the map's y value is used instead.");
            crossover = null;
        }

        crossover ??= cellFields.Contains("alphaG", StringComparer.Ordinal) ? "alphaG" : null;

        if (runs.Select(run => run.Spec.Data).Distinct().Skip(1).Any())
        {
            notes.Add("The runs mix teacher–student and Luo 1-D data; fields that only one kind has show as — for the other.");
        }

        return new PhaseAnalysis
        {
            Title = input.Title,
            AxisFields = axisFields,
            CellFields = cellFields,
            Widths = runs.Select(run => run.Spec.Width).Distinct().Order().ToArray(),
            Cells = cells,
            Runs = reportRuns,
            Counts = StateCounts.Of(runs),
            Map = plan,
            CrossoverField = crossover,
            Notes = notes,
            RefinementLayout = input.Options.Refinement,
            Refinement = Summarize(input.Options.Refinement, cells, runs.Length),
        };
    }

    private static RefinementSummary? Summarize(RefinementLayout? layout, IReadOnlyList<PhaseCell> cells, int runs)
    {
        if (layout is null || cells.Count == 0)
        {
            return null;
        }

        var levels = cells.Max(cell => layout.LevelOf(cell.ValueOf(layout.XField).Number, cell.ValueOf(layout.YField).Number));
        var uniformCells = layout.UniformCells(levels);
        var runsPerCell = cells.Max(cell => cell.Runs.Count);
        return new RefinementSummary(levels, cells.Count, runs, uniformCells, uniformCells * runsPerCell);
    }

    /// <summary>
    /// Sweeps of one store share runs (a run's key is its content hash), so the same key may come more than once: keep
    /// one record per key, the most finished.
    /// </summary>
    private static StoredRun[] Deduplicate(IReadOnlyList<StoredRun> runs, List<string> notes)
    {
        var unique = runs
            .GroupBy(run => run.Key, StringComparer.Ordinal)
            .Select(group => group.OrderBy(run => StatePriority(run.State)).First())
            .OrderBy(run => run.Key, StringComparer.Ordinal)
            .ToArray();
        if (unique.Length < runs.Count)
        {
            notes.Add($"{runs.Count - unique.Length} repeated run records (the same key in several sweeps) were counted once.");
        }

        return unique;
    }

    private static int StatePriority(RunState state) => state switch
    {
        RunState.Done => 0,
        RunState.Diverged => 1,
        RunState.Failed => 2,
        RunState.Running => 3,
        _ => 4,
    };

    internal static AxisValue ToAxisValue(object value) => value switch
    {
        string text => new AxisValue(text, double.NaN, false),
        bool flag => new AxisValue(flag ? "true" : "false", double.NaN, false),
        long integer => new AxisValue(RunSpecJson.FormatNumber(integer), integer, false),
        double number => new AxisValue(RunSpecJson.FormatNumber(number), number, false),
        double[] list => new AxisValue(string.Join(',', list.Select(RunSpecJson.FormatNumber)), double.NaN, false),
        _ => new AxisValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, double.NaN, false),
    };

    private static AxisValue ValueOf(Dictionary<string, AxisValue> fields, string field) =>
        fields.TryGetValue(field, out var value) ? value : AxisValue.Missing;

    /// <summary>Canonical order over specs of different kinds: each field goes after the field that precedes it in its own spec.</summary>
    private static List<string> MergeFieldOrder(IEnumerable<StoredRun> runs)
    {
        var order = new List<string>();
        var kinds = runs
            .Select(run => run.Spec)
            .GroupBy(spec => FormattableString.Invariant($"{spec.Data}/{spec.Parametrization.Kind}/{spec.StepRule}"), StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => group.First());
        foreach (var spec in kinds)
        {
            string? previous = null;
            foreach (var (name, _) in RunSpecJson.CanonicalFields(spec))
            {
                if (!order.Contains(name, StringComparer.Ordinal))
                {
                    var position = previous is null ? 0 : order.IndexOf(previous) + 1;
                    order.Insert(position, name);
                }

                previous = name;
            }
        }

        return order;
    }

    private static PhaseCell BuildCell(int index, AxisCoordinate[] coordinates, StoredRun[] runs)
    {
        var widths = runs.GroupBy(run => run.Spec.Width).OrderBy(group => group.Key).Select(group => Aggregate(group.Key, group.ToArray())).ToArray();
        var done = runs.Where(run => run.State == RunState.Done && run.Result is not null).ToArray();
        var rdWFit = ReportStatistics.FitPowerLaw(done.Select(run => ((double)run.Spec.Width, run.Result!.RdW)), MinimumWidthsForFit);
        var kernelFit = ReportStatistics.FitPowerLaw(done.Select(run => ((double)run.Spec.Width, run.Result!.KernelChange)), MinimumWidthsForFit);
        var limitFit = ReportStatistics.FitPowerLaw(
            done.Where(run => run.Result!.KernelLimitDistance.HasValue).Select(run => ((double)run.Spec.Width, run.Result!.KernelLimitDistance!.Value)),
            MinimumWidthsForFit);
        var (regime, basis) = Classify(runs, widths, rdWFit);
        var (gammaPrime, gamma) = LuoCoordinates(runs);
        return new PhaseCell
        {
            Index = index,
            Label = coordinates.Length == 0 ? "all runs" : string.Join(" · ", coordinates.Select(c => ReportText.FieldAssignment(c.Field, c.Value))),
            Coordinates = coordinates,
            Runs = runs,
            Widths = widths,
            Counts = StateCounts.Of(runs),
            RdWFit = rdWFit,
            KernelChangeFit = kernelFit,
            KernelLimitFit = limitFit,
            Regime = regime,
            RegimeBasis = basis,
            Prediction = runs[0].Spec.WeightDecay > 0
                ? new SlopePrediction(double.NaN, TheorySide.Unknown, "theory's slopes assume no weight decay")
                : LuoTheory.Predict(runs[0].Spec.Parametrization),
            Gamma = gamma,
            GammaPrime = gammaPrime,
        };
    }

    private static WidthAggregate Aggregate(int width, StoredRun[] runs)
    {
        var results = runs.Where(run => run.State == RunState.Done && run.Result is not null).Select(run => run.Result!).ToArray();
        var teachers = results.Length == 0 ? 0 : results.Min(result => result.TeacherClusters.Count);
        var clusterMass = Enumerable.Range(0, teachers).Select(teacher => results.Average(result => Finite(result.TeacherClusters[teacher].Mass))).ToArray();
        var teacherWeight = Enumerable.Range(0, teachers).Select(teacher => Math.Abs(results[0].TeacherClusters[teacher].TeacherWeight)).ToArray();
        return new WidthAggregate
        {
            Width = width,
            Counts = StateCounts.Of(runs),
            RdW = ReportStatistics.GeometricMean(results.Select(result => result.RdW)),
            RdA = ReportStatistics.GeometricMean(results.Select(result => result.RdA)),
            KernelChange = ReportStatistics.GeometricMean(results.Select(result => result.KernelChange)),
            KernelLimitDistance = ReportStatistics.GeometricMean(results.Where(result => result.KernelLimitDistance.HasValue).Select(result => result.KernelLimitDistance!.Value)),
            TrainLoss = ReportStatistics.Mean(results.Select(result => result.TrainLoss)),
            TestLoss = ReportStatistics.Mean(results.Select(result => result.TestLoss)),
            FarMass = ReportStatistics.Mean(results.Select(result => result.FarMass)),
            Condensation = ReportStatistics.Mean(results.Select(result => result.Condensation)),
            LinearizationGap = ReportStatistics.Mean(results.Select(result => result.LinearizationGap)),
            DecayBudget = ReportStatistics.Mean(results.Select(result => result.DecayBudget)),
            AlignmentStart = ReportStatistics.Mean(results.Select(result => result.AlignmentStart)),
            AlignmentEnd = ReportStatistics.Mean(results.Select(result => result.AlignmentEnd)),
            TeacherClusterMass = clusterMass,
            TeacherWeight = teacherWeight,
        };
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    private static (CellRegime Regime, string Basis) Classify(StoredRun[] runs, WidthAggregate[] widths, SlopeFit? rdWFit)
    {
        // A cell is judged on all its runs or not at all: a slope over the widths finished so far, or a dead band at
        // the one width that happened to finish first, is not the cell's regime.
        var unfinished = runs.Count(run => run.State is RunState.Pending or RunState.Running);
        if (unfinished > 0)
        {
            return (CellRegime.Pending, $"{unfinished} of {runs.Length} runs pending");
        }

        if (!runs.Any(run => run.State == RunState.Done && run.Result is not null))
        {
            return runs.Any(run => run.State == RunState.Diverged)
                ? (CellRegime.Diverged, "every finished run diverged")
                : (CellRegime.NoData, "no finished run");
        }

        if (rdWFit is not null)
        {
            var basis = $"RD_w slope over {rdWFit.Widths} widths";
            if (rdWFit.Slope < -CriticalSlope)
            {
                return (CellRegime.Lazy, basis);
            }

            return rdWFit.Slope > CriticalSlope ? (CellRegime.Condensed, basis) : (CellRegime.Critical, basis);
        }

        var largest = widths.Last(width => width.Counts.Done > 0);
        var deadBand = $"dead band at m = {largest.Width}";
        var rdW = largest.RdW.Value;
        var kernelChange = largest.KernelChange.Value;
        if (rdW < LazyThreshold && kernelChange < LazyThreshold)
        {
            return (CellRegime.Lazy, deadBand);
        }

        if (rdW > FeatureLearningRdW || (largest.FarMass.Value < FarMassThreshold && largest.EveryTeacherCovered))
        {
            return (CellRegime.FeatureLearning, deadBand);
        }

        return (CellRegime.Intermediate, deadBand);
    }

    /// <summary>The spec's own (γ′, γ) for Luo coordinates; otherwise the results' values at the largest width.</summary>
    private static (double GammaPrime, double Gamma) LuoCoordinates(StoredRun[] runs)
    {
        var parametrization = runs[0].Spec.Parametrization;
        if (parametrization.Kind == ParametrizationKind.Luo)
        {
            return (parametrization.GammaPrime, parametrization.Gamma);
        }

        var largest = runs.Max(run => run.Spec.Width);
        var atLargest = runs.Where(run => run.Spec.Width == largest).ToArray();
        var results = atLargest.Where(run => run.Result is not null).Select(run => run.Result!).ToArray();
        if (results.Length > 0)
        {
            return (results.Average(result => result.GammaPrime), results.Average(result => result.Gamma));
        }

        var spec = atLargest[0].Spec;
        var resolved = spec.Resolve();
        return (resolved.GammaPrime(spec.Width), resolved.Gamma(spec.Width));
    }

    private static RegimeMapPlan PlanMap(ReportOptions options, string? boundary, string[] cellFields, List<PhaseCell> cells, List<string> notes)
    {
        bool Varies(string? field) => field is not null && cellFields.Contains(field, StringComparer.Ordinal);
        var drawBoundary = boundary != "none";
        var allLuo = cells.All(cell => cell.Runs[0].Spec.Parametrization.Kind == ParametrizationKind.Luo);

        RegimeMapPlan LuoPlane()
        {
            var facets = cellFields.Where(field => !ParametrizationFields.Contains(field)).ToArray();
            return new RegimeMapPlan(RegimeMapKind.LuoPlane, "gammaPrime", "gamma", facets, drawBoundary, !allLuo);
        }

        RegimeMapPlan Generic(string x, string? y)
        {
            var isLuoAxes = x == "gammaPrime" && y == "gamma";
            if (isLuoAxes && allLuo)
            {
                return LuoPlane();
            }

            var facets = cellFields.Where(field => field != x && field != y).ToArray();
            return new RegimeMapPlan(y is null ? RegimeMapKind.Strip : RegimeMapKind.Grid, x, y, facets, false, false);
        }

        if (cellFields.Length == 0)
        {
            return new RegimeMapPlan(RegimeMapKind.None, null, null, [], false, false);
        }

        if (boundary == "luo")
        {
            return LuoPlane();
        }

        if (options.XField is not null || options.YField is not null)
        {
            var x = options.XField;
            var y = options.YField;
            if (x is not null && !Varies(x))
            {
                notes.Add($"The map's x field '{x}' does not vary across these runs; the axes were chosen automatically.");
                x = null;
            }

            if (y is not null && !Varies(y))
            {
                notes.Add($"The map's y field '{y}' does not vary across these runs; the axes were chosen automatically.");
                y = null;
            }

            if (x is not null || y is not null)
            {
                if (x is null)
                {
                    x = cellFields.FirstOrDefault(field => field != y);
                    return x is null ? Generic(y!, null) : Generic(x, y);
                }

                return Generic(x, y ?? cellFields.FirstOrDefault(field => field != x));
            }
        }

        if (Varies("gamma") && Varies("gammaPrime"))
        {
            return LuoPlane();
        }

        if (Varies("preset"))
        {
            return LuoPlane();
        }

        return Generic(cellFields[0], cellFields.Length > 1 ? cellFields[1] : null);
    }

    private sealed class CoordinateListComparer : IComparer<AxisCoordinate[]>
    {
        public static readonly CoordinateListComparer Instance = new();

        public int Compare(AxisCoordinate[]? left, AxisCoordinate[]? right)
        {
            if (left is null || right is null)
            {
                return (left is null).CompareTo(right is null);
            }

            for (var index = 0; index < Math.Min(left.Length, right.Length); index++)
            {
                var comparison = left[index].Value.CompareTo(right[index].Value);
                if (comparison != 0)
                {
                    return comparison;
                }
            }

            return left.Length.CompareTo(right.Length);
        }
    }
}
