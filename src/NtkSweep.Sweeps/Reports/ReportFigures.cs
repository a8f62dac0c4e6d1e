using NtkSweep.Sweeps.Reports.Svg;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>One figure of the report: inline SVG and its caption.</summary>
internal sealed record ReportFigure(string Heading, string Svg, string Caption);

/// <summary>Draws the report's figures from an analysis. Element ids are numbered in drawing order, so output is stable.</summary>
internal sealed class ReportFigures
{
    private const int CellsPerChart = 8;
    private const double RegionBandPixels = 30;

    private readonly PhaseAnalysis analysis;
    private int figureCount;

    public ReportFigures(PhaseAnalysis analysis)
    {
        this.analysis = analysis;
        SelectedRuns = SelectRuns(analysis);
    }

    /// <summary>Runs whose neurons and loss curves are drawn: the least and most moved of each data kind.</summary>
    public IReadOnlyList<ReportRun> SelectedRuns { get; }

    public static string RunLabel(PhaseAnalysis analysis, ReportRun run)
    {
        var cell = analysis.Cells[run.CellIndex];
        var label = cell.Coordinates.Count == 0 ? string.Empty : cell.Label + " · ";
        return label + "m=" + ReportText.Integer(run.Stored.Spec.Width) + " · seed " + ReportText.Integer((long)run.Stored.Spec.Seed);
    }

    /// <summary>"s=−0.52" for fitted cells; the largest width's RD_w otherwise.</summary>
    public static (string Main, string Sub) TileTexts(PhaseCell cell)
    {
        var diverged = cell.Counts.Diverged > 0 && cell.Regime != CellRegime.Diverged ? ReportText.Integer(cell.Counts.Diverged) + " div." : string.Empty;
        string main;
        string sub;
        switch (cell.Regime)
        {
            case CellRegime.Diverged:
                return ("diverged", ReportText.Integer(cell.Counts.Diverged) + " runs");
            case CellRegime.NoData:
                return ("no data", cell.Counts.Failed > 0 ? ReportText.Integer(cell.Counts.Failed) + " failed" : string.Empty);
            case CellRegime.Pending:
                return ("pending", ReportText.Integer(cell.Counts.Done + cell.Counts.Diverged + cell.Counts.Failed) + " of " + ReportText.Integer(cell.Counts.Total) + " done");
            default:
                if (cell.RdWFit is not null)
                {
                    main = "s=" + ReportText.Slope(cell.RdWFit.Slope);
                    sub = cell.KernelChangeFit is null ? string.Empty : "ΔK " + ReportText.Slope(cell.KernelChangeFit.Slope);
                }
                else
                {
                    var largest = cell.LargestDoneWidth;
                    main = "RD " + ReportText.Number(largest?.RdW.Value ?? double.NaN, 2);
                    sub = "ΔK " + ReportText.Number(largest?.KernelChange.Value ?? double.NaN, 2);
                }

                break;
        }

        if (diverged.Length > 0)
        {
            sub = sub.Length == 0 ? diverged : sub + " · " + diverged;
        }

        return (main, sub);
    }

    public static string CellTooltip(PhaseCell cell)
    {
        var lines = new List<string>
        {
            cell.Label,
            "regime: " + ReportText.RegimeLabel(cell.Regime) + " (" + cell.RegimeBasis + ")",
            "RD_w slope: " + ReportText.SlopeWithInterval(cell.RdWFit),
            "ΔK slope: " + ReportText.SlopeWithInterval(cell.KernelChangeFit),
        };
        if (double.IsFinite(cell.Prediction.Slope))
        {
            lines.Add("theory: " + ReportText.Slope(cell.Prediction.Slope));
        }

        lines.Add($"runs: {cell.Counts.Done} done, {cell.Counts.Diverged} diverged, {cell.Counts.Failed} failed");
        return string.Join('\n', lines);
    }

    public IReadOnlyList<ReportFigure> RegimeMaps()
    {
        var plan = analysis.Map;
        if (plan.Kind == RegimeMapKind.None)
        {
            return [];
        }

        var facets = analysis.Cells
            .GroupBy(cell => string.Join('\u001f', plan.FacetFields.Select(field => ReportText.AxisText(cell.ValueOf(field)))), StringComparer.Ordinal)
            .Select(group => group.ToArray())
            .OrderBy(group => group[0].Index)
            .ToArray();
        var figures = new List<ReportFigure>();
        foreach (var cells in facets)
        {
            var facetText = plan.FacetFields.Count == 0
                ? string.Empty
                : string.Join(", ", plan.FacetFields.Select(field => ReportText.FieldAssignment(field, cells[0].ValueOf(field))));
            var map = plan.Kind switch
            {
                RegimeMapKind.LuoPlane when plan.PlaceByResults => LuoMarkerMap(cells),
                RegimeMapKind.LuoPlane => LuoTileMap(cells),
                RegimeMapKind.Grid => GridMap(cells, plan.XField!, plan.YField!),
                _ => StripMap(cells, plan.XField!),
            };
            var heading = plan.Kind switch
            {
                RegimeMapKind.LuoPlane => "Regime map over (γ′, γ)",
                RegimeMapKind.Grid => $"Regime map over {ReportText.FieldSymbol(plan.XField!)} × {ReportText.FieldSymbol(plan.YField!)}",
                _ => $"Regimes along {ReportText.FieldSymbol(plan.XField!)}",
            };
            if (facetText.Length > 0)
            {
                heading += " — " + facetText;
            }

            var svg = map.Render(NextId(), heading);
            figures.Add(new ReportFigure(heading, svg, MapCaption(plan, analysis.Cells.Any(cell => cell.RdWFit is not null))));
        }

        return figures;
    }

    public IReadOnlyList<ReportFigure> WidthScaling()
    {
        var cells = analysis.Cells.Where(cell => cell.Widths.Count(width => width.RdW.HasValue || width.KernelChange.HasValue) >= 2).ToArray();
        if (analysis.Widths.Count < 2 || cells.Length == 0)
        {
            return [];
        }

        var figures = new List<ReportFigure>();
        var chunks = cells.Chunk(CellsPerChart).ToArray();
        for (var chunkIndex = 0; chunkIndex < chunks.Length; chunkIndex++)
        {
            var chunk = chunks[chunkIndex];
            var part = chunks.Length > 1 ? $" (cells {chunk[0].Index + 1}–{chunk[^1].Index + 1} of {analysis.Cells.Count})" : string.Empty;
            figures.Add(WidthChart(chunk, "RD_w", "RD_w = ‖W_T − W_0‖/‖W_0‖ (log scale)", width => width.RdW, cell => cell.RdWFit, "Input-weight movement RD_w against width" + part));
            figures.Add(WidthChart(chunk, "ΔK", "ΔK = ‖K_T − K_0‖/‖K_0‖ (log scale)", width => width.KernelChange, cell => cell.KernelChangeFit, "Kernel change ΔK against width" + part));
            if (chunk.Any(cell => cell.Widths.Count(width => width.KernelLimitDistance.HasValue) >= 2))
            {
                figures.Add(WidthChart(chunk, "D_f", "D_f = RMS(F − F_ker)/RMS(y) (log scale)", width => width.KernelLimitDistance, cell => cell.KernelLimitFit, "Distance from the infinite-width kernel predictor D_f against width" + part));
            }
        }

        return figures;
    }

    /// <summary>ΔK against the crossover variable, one series per width; null when there is no numeric variable.</summary>
    public ReportFigure? Crossover(out string? reason) =>
        Crossover(CrossoverMetric.KernelChange, out reason);

    /// <summary>
    /// D_f against the same variable: the distance from the kernel predictor collapses the widths where ΔK does
    /// (Geiger's laziness is set by α_G·√m); null without runs that have a kernel limit.
    /// </summary>
    public ReportFigure? KernelLimitCrossover() =>
        analysis.Cells.Any(cell => cell.Widths.Any(width => width.KernelLimitDistance.HasValue)) ? Crossover(CrossoverMetric.KernelLimitDistance, out _) : null;

    private ReportFigure? Crossover(CrossoverMetric metric, out string? reason)
    {
        var (symbol, name, pick) = metric == CrossoverMetric.KernelChange
            ? ("ΔK", "Kernel change ΔK", (Func<WidthAggregate, MetricEstimate>)(width => width.KernelChange))
            : ("D_f", "Distance from the kernel predictor D_f", width => width.KernelLimitDistance);
        reason = null;
        string title;
        string caption;
        Func<PhaseCell, int, double> variable;
        if (analysis.CrossoverField is { } field)
        {
            var fieldSymbol = ReportText.FieldSymbol(field);
            title = fieldSymbol + "·√m";
            variable = (cell, width) => SpecNumber(cell, field) * Math.Sqrt(width);
            caption = $"{name} at the end of training against {fieldSymbol}·√m, one series per width (geometric mean over seeds, bars: 95% CI). " +
                $"If the widths collapse onto one curve, {symbol} depends on the width only through this combination, as Geiger et al.'s crossover α_G* ∝ m^−½ predicts.";
        }
        else
        {
            var mainField = analysis.Map.Kind switch
            {
                RegimeMapKind.LuoPlane => "gamma",
                RegimeMapKind.Grid => analysis.Map.YField,
                RegimeMapKind.Strip => analysis.Map.XField,
                _ => null,
            };
            if (mainField is null)
            {
                reason = "No crossover plot: only the width varies.";
                return null;
            }

            title = ReportText.FieldTitle(mainField);
            variable = mainField == "gamma" && analysis.Map.Kind == RegimeMapKind.LuoPlane
                ? GammaAt
                : (cell, _) => cell.ValueOf(mainField).Number;
            caption = $"{name} against {ReportText.FieldSymbol(mainField)} (the map's main axis; no crossover field was given), one series per width " +
                "(geometric mean over seeds, bars: 95% CI). Where the series fall with width the cells are lazy; where they rise, features are learned.";
        }

        var widths = analysis.Widths;
        var series = new List<ChartSeries>();
        var allX = new List<double>();
        var allY = new List<double>();
        for (var index = 0; index < widths.Count; index++)
        {
            var width = widths[index];
            var points = analysis.Cells
                .Select(cell => (Cell: cell, Aggregate: cell.Widths.FirstOrDefault(w => w.Width == width)))
                .Where(pair => pair.Aggregate is not null && pick(pair.Aggregate).HasValue)
                .Select(pair => new ChartPoint(
                    variable(pair.Cell, width),
                    pick(pair.Aggregate!).Value,
                    pick(pair.Aggregate!).Low,
                    pick(pair.Aggregate!).High,
                    $"{pair.Cell.Label}, m={width}: {symbol}={ReportText.Number(pick(pair.Aggregate!).Value)}"))
                .Where(point => double.IsFinite(point.X))
                .OrderBy(point => point.X)
                .ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            allX.AddRange(points.Select(point => point.X));
            allY.AddRange(points.SelectMany(point => new[] { point.Y, point.Low, point.High }));
            var uniqueX = points.Select(point => point.X).Distinct().Count() == points.Length;
            series.Add(new ChartSeries("m = " + ReportText.Integer(width), RegimePalette.SequentialColor(index, widths.Count), points) { Connect = uniqueX });
        }

        if (series.Count == 0 || allX.Distinct().Count() < 2)
        {
            reason = "No crossover plot: the crossover variable takes fewer than two values among finished runs.";
            return null;
        }

        if (series.Any(s => !s.Connect))
        {
            // Several cells share an x value: spread the widths sideways so their markers do not hide each other.
            series = series.Select((s, index) => s with { OffsetPixels = (index - (series.Count - 1) / 2.0) * 5 }).ToList();
        }

        var logX = allX.All(x => x > 0) && allX.Max() / allX.Min() >= 5;
        var xAxis = logX ? ChartAxis.Logarithmic10(allX, title + " (log scale)") : ChartAxis.Linear(allX, title);
        var yAxis = ChartAxis.Logarithmic10(allY, symbol + " (log scale)");
        var chart = new LineChart { XAxis = xAxis, YAxis = yAxis, Series = series, LegendTitle = "Width" };
        var heading = (metric == CrossoverMetric.KernelChange ? "Kernel change" : "Distance from the kernel predictor") + " against " + title;
        return new ReportFigure(heading, chart.Render(NextId(), heading), caption);
    }

    public IReadOnlyList<ReportFigure> NeuronDirections()
    {
        var figures = new List<ReportFigure>();
        foreach (var run in SelectedRuns)
        {
            var heading = "Student neurons — " + RunLabel(analysis, run);
            var (svg, caption) = NeuronFigure.Render(run.Stored, NextId(), heading);
            figures.Add(new ReportFigure(heading, svg, caption));
        }

        return figures;
    }

    public ReportFigure? LossCurves()
    {
        var runs = SelectedRuns.Count > 0 ? SelectedRuns : ExtremeRuns(analysis.Runs.Where(run => run.Stored.State == RunState.Done && run.Stored.Result is not null));
        runs = runs.Where(run => run.Stored.Result!.LossCurve.Count > 0).Take(4).ToArray();
        if (runs.Count == 0)
        {
            return null;
        }

        var series = new List<ChartSeries>();
        for (var index = 0; index < runs.Count; index++)
        {
            var curve = runs[index].Stored.Result!.LossCurve.Where(point => point.Step >= 1).ToArray();
            var color = RegimePalette.SeriesColor(index);
            var label = RunLabel(analysis, runs[index]);
            series.Add(new ChartSeries(label + ": train", color, curve.Select(point => new ChartPoint(point.Step, point.TrainLoss)).ToArray()) { Markers = false });
            series.Add(new ChartSeries(label + ": test", color, curve.Select(point => new ChartPoint(point.Step, point.TestLoss)).ToArray()) { Markers = false, Dash = "6 4" });
        }

        var steps = series.SelectMany(s => s.Points).Select(point => point.X).ToArray();
        var losses = series.SelectMany(s => s.Points).Select(point => point.Y).ToArray();
        if (!steps.Any(step => step > 0) || !losses.Any(loss => double.IsFinite(loss) && loss > 0))
        {
            return null;
        }

        var chart = new LineChart
        {
            XAxis = ChartAxis.Logarithmic10(steps, "gradient step (log scale)"),
            YAxis = ChartAxis.Logarithmic10(losses, "loss ½·mean((f − y)²) (log scale)"),
            Series = series,
            LegendTitle = "Run (solid: train, dashed: test)",
        };
        const string heading = "Loss curves";
        const string caption = "Train (solid) and test (dashed) loss against the gradient step on log–log axes for the runs whose neurons are shown " +
            "(the least and the most moved runs); curves are sampled at log-spaced steps.";
        return new ReportFigure(heading, chart.Render(NextId(), heading), caption);
    }

    /// <summary>Luo's γ of a cell at one width: presets move with m, so the results' value at that width when known.</summary>
    private static double GammaAt(PhaseCell cell, int width)
    {
        var results = cell.Runs.Where(run => run.Spec.Width == width && run.Result is not null && double.IsFinite(run.Result.Gamma)).Select(run => run.Result!.Gamma).ToArray();
        return results.Length > 0 ? results.Average() : cell.Gamma;
    }

    public static string ShortKey(string key) => key.Length > 10 ? key[..10] : key;


    private static IReadOnlyList<ReportRun> SelectRuns(PhaseAnalysis analysis)
    {
        var candidates = analysis.Runs
            .Where(run => run.Stored.State == RunState.Done && run.Stored.Result is { Neurons.Count: > 0 } result && double.IsFinite(result.RdW))
            .ToArray();
        var selected = new List<ReportRun>();
        foreach (var kind in new[] { DataKind.Teacher, DataKind.Luo1D })
        {
            selected.AddRange(ExtremeRuns(candidates.Where(run => run.Stored.Spec.Data == kind)));
        }

        return selected;
    }

    /// <summary>The runs with the smallest and largest RD_w (ties broken by key).</summary>
    private static ReportRun[] ExtremeRuns(IEnumerable<ReportRun> runs)
    {
        var ordered = runs
            .Where(run => double.IsFinite(run.Stored.Result!.RdW))
            .OrderBy(run => run.Stored.Result!.RdW)
            .ThenBy(run => run.Stored.Key, StringComparer.Ordinal)
            .ToArray();
        return ordered.Length switch
        {
            0 => [],
            1 => [ordered[0]],
            _ => [ordered[0], ordered[^1]],
        };
    }

    private static double SpecNumber(PhaseCell cell, string field)
    {
        var value = cell.ValueOf(field);
        if (value.IsNumeric)
        {
            return value.Number;
        }

        foreach (var (name, raw) in RunSpecJson.CanonicalFields(cell.Runs[0].Spec))
        {
            if (name == field)
            {
                return PhaseAnalyzer.ToAxisValue(raw).Number;
            }
        }

        return double.NaN;
    }

    private string NextId() => "f" + ReportText.Integer(++figureCount);

    private ReportFigure WidthChart(PhaseCell[] cells, string symbol, string axisTitle, Func<WidthAggregate, MetricEstimate> metric, Func<PhaseCell, SlopeFit?> fit, string heading)
    {
        var series = new List<ChartSeries>();
        var values = new List<double>();
        for (var index = 0; index < cells.Length; index++)
        {
            var cell = cells[index];
            var color = RegimePalette.SeriesColor(index);
            var points = cell.Widths
                .Where(width => metric(width).HasValue)
                .Select(width => new ChartPoint(
                    width.Width,
                    metric(width).Value,
                    metric(width).Low,
                    metric(width).High,
                    $"{cell.Label}, m={width.Width}: {symbol}={ReportText.Number(metric(width).Value)} ({metric(width).Count} seeds" +
                    (width.Counts.Diverged > 0 ? $", {width.Counts.Diverged} diverged" : string.Empty) + ")"))
                .ToArray();
            values.AddRange(points.SelectMany(point => new[] { point.Y, point.Low, point.High }));
            var cellFit = fit(cell);
            var slopeText = cellFit is null
                ? "s — (fewer than 3 widths)"
                : $"s = {ReportText.Slope(cellFit.Slope)} ± {ReportSummary.HalfWidth(cellFit)}";
            if (cellFit is not null && double.IsFinite(cell.Prediction.Slope) && symbol == "RD_w")
            {
                slopeText += $" (theory {ReportText.Slope(cell.Prediction.Slope)})";
            }

            series.Add(new ChartSeries(cell.Label + ": " + slopeText, color, points));
            if (cellFit is not null)
            {
                var low = cell.Widths.Min(width => width.Width);
                var high = cell.Widths.Max(width => width.Width);
                var line = new[] { low, high }.Select(width => new ChartPoint(width, Math.Exp(cellFit.Intercept + cellFit.Slope * Math.Log(width)))).ToArray();
                values.AddRange(line.Select(point => point.Y));
                series.Add(new ChartSeries("fit", color, line) { Markers = false, Dash = "5 4", InLegend = false });
            }
        }

        var chart = new LineChart
        {
            XAxis = ChartAxis.Logarithmic10(analysis.Widths.Select(width => (double)width), "width m (log scale)", analysis.Widths.Select(width => (double)width).ToArray()),
            YAxis = ChartAxis.Logarithmic10(values, axisTitle),
            Series = series,
            LegendTitle = "Cell: fitted slope s (95% CI)",
            ExtraLegend = [new LegendEntry("least-squares fit over all seeds", "#666", LegendSymbol.Line, "5 4")],
        };
        var caption = $"log {symbol} against log m, one line per cell: markers are geometric means over seeds with 95% t-intervals (computed on the logs); " +
            $"dashed lines are least-squares power-law fits over every finished seed, whose slope s is given in the legend. s < −0.1 is lazy, |s| ≤ 0.1 critical, s > 0.1 condensed.";
        return new ReportFigure(heading, chart.Render(NextId(), heading), caption);
    }

    private static string MapCaption(RegimeMapPlan plan, bool anyFit)
    {
        var text = anyFit
            ? "Each cell is colored by its regime and shows the fitted slope s of log RD_w against log m (ΔK: the slope of log ΔK); " +
                "cells with fewer than three widths show RD_w and ΔK at their largest width and use the dead band. Diverged cells are hatched grey."
            : "Each cell is colored by its dead-band regime (fewer than three widths) and shows RD_w and ΔK at its largest width " +
                "(geometric means over seeds). Diverged cells are hatched grey.";
        if (plan.Kind == RegimeMapKind.LuoPlane && plan.DrawBoundary)
        {
            text += " The dashed line is Luo et al.'s boundary {γ = 1, γ′ ≤ 0} ∪ {γ′ = γ − 1, γ ≥ 1}: theory puts the linear (NTK) regime below and right of it, " +
                "the condensed regime above and left of it, and mean-field at the kink (0, 1).";
        }

        if (plan.Kind == RegimeMapKind.LuoPlane && anyFit)
        {
            text += " Purple dots are the measured boundary: where the fitted slope s, interpolated linearly between two neighbouring cells, crosses 0.";
        }

        if (plan.PlaceByResults)
        {
            text += " Cells are placed at the (γ′, γ) their runs measured at the largest width.";
        }

        return text;
    }

    /// <summary>Grid values beyond this many per axis get the axis's own nice ticks instead of one each.</summary>
    private const int MaxGridTicks = 12;

    private RegimeMap LuoTileMap(PhaseCell[] cells)
    {
        if (analysis.RefinementLayout is { } layout && layout.XField == "gammaPrime" && layout.YField == "gamma")
        {
            return RefinedTileMap(cells, layout);
        }

        var xEdges = Edges(analysis.Cells.Select(cell => cell.GammaPrime));
        var yEdges = Edges(analysis.Cells.Select(cell => cell.Gamma));
        var tiles = cells
            .Where(cell => double.IsFinite(cell.GammaPrime) && double.IsFinite(cell.Gamma))
            .Select(cell =>
            {
                var (main, sub) = TileTexts(cell);
                var (x0, x1) = xEdges[cell.GammaPrime];
                var (y0, y1) = yEdges[cell.Gamma];
                return new RegimeTile(x0, x1, y0, y1, cell.Regime, main, sub, CellTooltip(cell)) { Link = ReportCellPages.RelativePath(cell) };
            })
            .ToArray();
        var plotWidth = Math.Clamp(xEdges.Count * 96 + 2 * RegionBandPixels, 340, 660);
        var plotHeight = Math.Clamp(yEdges.Count * 62 + 2 * RegionBandPixels, 280, 600);
        var (xAxis, yAxis) = LuoAxes(
            xEdges.Values.SelectMany(edge => new[] { edge.Low, edge.High }),
            yEdges.Values.SelectMany(edge => new[] { edge.Low, edge.High }),
            plotWidth,
            plotHeight);
        // A tick at every grid value, so each column and row of tiles reads off its axis (while they fit).
        xAxis = xEdges.Count <= MaxGridTicks ? xAxis.WithTicksAt(xEdges.Keys) : xAxis;
        yAxis = yEdges.Count <= MaxGridTicks ? yAxis.WithTicksAt(yEdges.Keys) : yAxis;
        return new RegimeMap { XAxis = xAxis, YAxis = yAxis, Tiles = tiles, LuoBoundary = analysis.Map.DrawBoundary, PlotWidth = plotWidth, PlotHeight = plotHeight, MeasuredBoundary = MeasuredBoundary(cells) };
    }

    /// <summary>
    /// The measured boundary: between every two cells that are neighbours along γ′ or along γ (adjacent distinct values,
    /// the other coordinate equal) and whose RD_w slopes have opposite signs, the point where the slope, interpolated
    /// linearly between them, is 0.
    /// </summary>
    private static IReadOnlyList<(double X, double Y)> MeasuredBoundary(PhaseCell[] cells)
    {
        var fitted = cells
            .Where(cell => cell.RdWFit is not null && double.IsFinite(cell.GammaPrime) && double.IsFinite(cell.Gamma))
            .ToArray();
        var points = new List<(double X, double Y)>();
        foreach (var along in new[] { true, false })
        {
            var lines = fitted.GroupBy(cell => along ? cell.Gamma : cell.GammaPrime);
            foreach (var line in lines)
            {
                var ordered = line.OrderBy(cell => along ? cell.GammaPrime : cell.Gamma).ToArray();
                foreach (var (first, second) in ordered.Zip(ordered.Skip(1)))
                {
                    var s0 = first.RdWFit!.Slope;
                    var s1 = second.RdWFit!.Slope;
                    if (!(s0 * s1 < 0))
                    {
                        continue;
                    }

                    var t = s0 / (s0 - s1);
                    points.Add(along
                        ? (first.GammaPrime + t * (second.GammaPrime - first.GammaPrime), first.Gamma)
                        : (first.GammaPrime, first.Gamma + t * (second.Gamma - first.Gamma)));
                }
            }
        }

        return points;
    }

    /// <summary>
    /// A refined (γ′, γ) map: every cell a tile of its own level's spacing around its point, coarse levels drawn first so
    /// that finer cells paint over the part of a coarse tile they refine. Tiles smaller than a label show none (the
    /// tooltip and the cells table keep the numbers).
    /// </summary>
    private RegimeMap RefinedTileMap(PhaseCell[] cells, RefinementLayout layout)
    {
        var tiles = cells
            .Where(cell => double.IsFinite(cell.ValueOf(layout.XField).Number) && double.IsFinite(cell.ValueOf(layout.YField).Number))
            .Select(cell => (Cell: cell, Level: layout.LevelOf(cell.ValueOf(layout.XField).Number, cell.ValueOf(layout.YField).Number)))
            .OrderBy(pair => pair.Level)
            .ThenBy(pair => pair.Cell.Index)
            .Select(pair =>
            {
                var x = pair.Cell.ValueOf(layout.XField).Number;
                var y = pair.Cell.ValueOf(layout.YField).Number;
                var halfX = layout.XStep / (2 << pair.Level);
                var halfY = layout.YStep / (2 << pair.Level);
                var (main, sub) = pair.Level <= 1 ? TileTexts(pair.Cell) : (string.Empty, string.Empty);
                return new RegimeTile(x - halfX, x + halfX, y - halfY, y + halfY, pair.Cell.Regime, main, sub, CellTooltip(pair.Cell) + $" (refinement level {pair.Level})") { Link = ReportCellPages.RelativePath(pair.Cell) };
            })
            .ToArray();
        const double plotWidth = 620;
        const double plotHeight = 520;
        var (xAxis, yAxis) = LuoAxes(
            [layout.X0 - layout.XStep / 2, layout.X0 + (layout.XCount - 0.5) * layout.XStep],
            [layout.Y0 - layout.YStep / 2, layout.Y0 + (layout.YCount - 0.5) * layout.YStep],
            plotWidth,
            plotHeight);
        xAxis = xAxis.WithTicksAt(Enumerable.Range(0, layout.XCount).Select(index => layout.X0 + index * layout.XStep));
        yAxis = yAxis.WithTicksAt(Enumerable.Range(0, layout.YCount).Select(index => layout.Y0 + index * layout.YStep));
        return new RegimeMap { XAxis = xAxis, YAxis = yAxis, Tiles = tiles, LuoBoundary = analysis.Map.DrawBoundary, PlotWidth = plotWidth, PlotHeight = plotHeight, MeasuredBoundary = MeasuredBoundary(cells) };
    }

    private RegimeMap LuoMarkerMap(PhaseCell[] cells)
    {
        var placed = cells.Where(cell => double.IsFinite(cell.GammaPrime) && double.IsFinite(cell.Gamma)).ToArray();
        var markers = placed.Select(cell =>
        {
            var (main, _) = TileTexts(cell);
            var name = string.Join(" · ", cell.Coordinates.Where(c => PhaseAnalyzer.ParametrizationFields.Contains(c.Field)).Select(c => ReportText.FieldAssignment(c.Field, c.Value)));
            if (name.Length == 0)
            {
                name = cell.Label;
            }

            return new RegimeMarker(cell.GammaPrime, cell.Gamma, cell.Regime, name + ": " + main, CellTooltip(cell)) { Link = ReportCellPages.RelativePath(cell) };
        }).ToArray();
        const double plotWidth = 460;
        const double plotHeight = 380;
        var xs = analysis.Cells.Select(cell => cell.GammaPrime).Where(double.IsFinite).ToArray();
        var ys = analysis.Cells.Select(cell => cell.Gamma).Where(double.IsFinite).ToArray();
        var (xAxis, yAxis) = LuoAxes(
            xs.Select(x => x - 0.15).Concat(xs.Select(x => x + 0.15)),
            ys.Select(y => y - 0.15).Concat(ys.Select(y => y + 0.15)),
            plotWidth,
            plotHeight);
        return new RegimeMap { XAxis = xAxis, YAxis = yAxis, Markers = markers, LuoBoundary = analysis.Map.DrawBoundary, PlotWidth = plotWidth, PlotHeight = plotHeight };
    }

    /// <summary>Axes over the cells and the mean-field point, with empty bands at the edges for the region names.</summary>
    private static (ChartAxis X, ChartAxis Y) LuoAxes(IEnumerable<double> xs, IEnumerable<double> ys, double plotWidth, double plotHeight)
    {
        var xValues = xs.Where(double.IsFinite).Append(-0.1).Append(0.1).ToArray();
        var yValues = ys.Where(double.IsFinite).Append(0.9).Append(1.1).ToArray();
        (double Low, double High) Padded(double[] values, double pixels)
        {
            var low = values.Min();
            var high = values.Max();
            var pad = (high - low) * RegionBandPixels / (pixels - 2 * RegionBandPixels);
            return (low - pad, high + pad);
        }

        var (xLow, xHigh) = Padded(xValues, plotWidth);
        var (yLow, yHigh) = Padded(yValues, plotHeight);
        return (ChartAxis.LinearRange(xLow, xHigh, ReportText.FieldTitle("gammaPrime")), ChartAxis.LinearRange(yLow, yHigh, ReportText.FieldTitle("gamma")));
    }

    /// <summary>Tile edges halfway to the neighbouring values; the outer tiles mirror their inner half.</summary>
    private static Dictionary<double, (double Low, double High)> Edges(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Distinct().Order().ToArray();
        var edges = new Dictionary<double, (double, double)>();
        for (var index = 0; index < sorted.Length; index++)
        {
            var below = index > 0 ? (sorted[index] - sorted[index - 1]) / 2 : double.NaN;
            var above = index < sorted.Length - 1 ? (sorted[index + 1] - sorted[index]) / 2 : double.NaN;
            if (double.IsNaN(below))
            {
                below = double.IsNaN(above) ? 0.25 : above;
            }

            if (double.IsNaN(above))
            {
                above = below;
            }

            edges[sorted[index]] = (sorted[index] - below, sorted[index] + above);
        }

        return edges;
    }

    private RegimeMap GridMap(PhaseCell[] cells, string xField, string yField)
    {
        var xValues = analysis.Cells.Select(cell => cell.ValueOf(xField)).Distinct().Order().ToArray();
        var yValues = analysis.Cells.Select(cell => cell.ValueOf(yField)).Distinct().Order().ToArray();
        var tiles = cells.Select(cell =>
        {
            var (main, sub) = TileTexts(cell);
            var x = Array.IndexOf(xValues, cell.ValueOf(xField));
            var y = Array.IndexOf(yValues, cell.ValueOf(yField));
            return new RegimeTile(x - 0.5, x + 0.5, y - 0.5, y + 0.5, cell.Regime, main, sub, CellTooltip(cell)) { Link = ReportCellPages.RelativePath(cell) };
        }).ToArray();
        return new RegimeMap
        {
            XAxis = ChartAxis.Categories(xValues.Select(ReportText.AxisText).ToArray(), ReportText.FieldTitle(xField)),
            YAxis = ChartAxis.Categories(yValues.Select(ReportText.AxisText).ToArray(), ReportText.FieldTitle(yField)),
            Tiles = tiles,
            PlotWidth = Math.Clamp(xValues.Length * 92, 280, 640),
            PlotHeight = Math.Clamp(yValues.Length * 60, 150, 520),
        };
    }

    private RegimeMap StripMap(PhaseCell[] cells, string xField)
    {
        var xValues = analysis.Cells.Select(cell => cell.ValueOf(xField)).Distinct().Order().ToArray();
        var tiles = cells.Select(cell =>
        {
            var (main, sub) = TileTexts(cell);
            var x = Array.IndexOf(xValues, cell.ValueOf(xField));
            return new RegimeTile(x - 0.5, x + 0.5, 0, 1, cell.Regime, main, sub, CellTooltip(cell)) { Link = ReportCellPages.RelativePath(cell) };
        }).ToArray();
        return new RegimeMap
        {
            XAxis = ChartAxis.Categories(xValues.Select(ReportText.AxisText).ToArray(), ReportText.FieldTitle(xField)),
            Tiles = tiles,
            PlotWidth = Math.Clamp(xValues.Length * 96, 280, 640),
            PlotHeight = 76,
        };
    }
}

/// <summary>The order parameter a crossover figure draws.</summary>
internal enum CrossoverMetric
{
    KernelChange,
    KernelLimitDistance,
}
