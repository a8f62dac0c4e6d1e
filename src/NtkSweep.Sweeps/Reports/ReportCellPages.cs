using System.Globalization;
using System.Text;
using NtkSweep.Sweeps.Reports.Svg;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>
/// The drill-down of report.html: one page per cell (cells/cell-NNN.html, linked from its tile on the regime map and its
/// row of the cells table) with RD_w, ΔK and D_f against m for every seed, the loss curves of every run, the student
/// neurons at every width, and its runs table.
/// Self-contained like the report: inline SVG, no scripts.
/// </summary>
internal static class ReportCellPages
{
    public const string Directory = "cells";

    public static string RelativePath(PhaseCell cell) => $"{Directory}/cell-{cell.Index.ToString("000", CultureInfo.InvariantCulture)}.html";

    public static IReadOnlyList<(string RelativePath, string Html)> Render(PhaseAnalysis analysis, string style) =>
        [.. analysis.Cells.Select(cell => (RelativePath(cell), Page(analysis, cell, style)))];

    private static string Page(PhaseAnalysis analysis, PhaseCell cell, string style)
    {
        var html = new StringBuilder(16 * 1024);
        var title = $"{cell.Label} — {analysis.Title}";
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Escape(title)).Append("</title>\n<style>\n")
            .Append(style).Append("</style>\n</head>\n<body>\n<main>\n");
        html.Append("<p><a href=\"../report.html\">← the phase report</a></p>\n");
        html.Append("<h1>").Append(Escape(cell.Label)).Append("</h1>\n");
        html.Append("<p class=\"summary\">").Append(Escape(Summary(cell))).Append("</p>\n");
        var id = 0;
        foreach (var (symbol, title2, pick, fit) in new (string, string, Func<Training.Runs.RunResult, double?>, SlopeFit?)[]
        {
            ("RD_w", "RD_w = ‖W_T − W_0‖/‖W_0‖ (log scale)", result => result.RdW, cell.RdWFit),
            ("ΔK", "ΔK = ‖K_T − K_0‖/‖K_0‖ (log scale)", result => result.KernelChange, cell.KernelChangeFit),
            ("D_f", "D_f = RMS(F − F_ker)/RMS(y) (log scale)", result => result.KernelLimitDistance, cell.KernelLimitFit),
        })
        {
            if (SeedChart(cell, symbol, title2, pick, fit, $"c{cell.Index}-{id++}") is { } svg)
            {
                html.Append("<figure>\n").Append(svg).Append("\n<figcaption><b>").Append(Escape(symbol)).Append(" against width, every seed.</b> Markers are single runs (one line per seed); ")
                    .Append("the dashed line is the least-squares power law over all of them").Append(fit is null ? " (none: fewer than three widths)" : $", slope {Escape(ReportText.SlopeWithInterval(fit))}").Append(".</figcaption>\n</figure>\n");
            }
        }

        if (LossChart(cell, $"c{cell.Index}-loss") is { } losses)
        {
            html.Append("<figure>\n").Append(losses).Append("\n<figcaption><b>Test loss against the gradient step, every run.</b> Colour by width, one line per seed; log-spaced samples.</figcaption>\n</figure>\n");
        }

        AppendNeurons(html, cell);
        AppendWidths(html, cell);
        AppendRuns(html, cell);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Summary(PhaseCell cell)
    {
        var text = $"Regime: {ReportText.RegimeLabel(cell.Regime)} ({cell.RegimeBasis}). s(RD_w) = {ReportText.SlopeWithInterval(cell.RdWFit)}, s(ΔK) = {ReportText.SlopeWithInterval(cell.KernelChangeFit)}, s(D_f) = {ReportText.SlopeWithInterval(cell.KernelLimitFit)}.";
        if (double.IsFinite(cell.Prediction.Slope))
        {
            text += $" Theory: slope {ReportText.Slope(cell.Prediction.Slope)} ({cell.Prediction.Reason}).";
        }

        return text + $" {cell.Counts.Done} done, {cell.Counts.Diverged} diverged, {cell.Counts.Failed} failed, {cell.Counts.Pending + cell.Counts.Running} pending.";
    }

    private static string? SeedChart(PhaseCell cell, string symbol, string axisTitle, Func<Training.Runs.RunResult, double?> pick, SlopeFit? fit, string id)
    {
        var finished = cell.Runs.Where(run => run.State == RunState.Done && run.Result is not null && pick(run.Result) is { } value && value > 0 && double.IsFinite(value)).ToArray();
        if (finished.Select(run => run.Spec.Width).Distinct().Count() < 2)
        {
            return null;
        }

        var seeds = finished.Select(run => run.Spec.Seed).Distinct().Order().ToArray();
        var series = seeds.Select((seed, index) => new ChartSeries(
            "seed " + seed.ToString(CultureInfo.InvariantCulture),
            RegimePalette.SeriesColor(index),
            [.. finished.Where(run => run.Spec.Seed == seed).OrderBy(run => run.Spec.Width).Select(run => new ChartPoint(run.Spec.Width, pick(run.Result!)!.Value, Tooltip: $"m = {run.Spec.Width}, seed {seed}: {symbol} = {ReportText.Number(pick(run.Result!)!.Value)}"))]))
            .ToList();
        var widths = finished.Select(run => (double)run.Spec.Width).Distinct().Order().ToArray();
        var values = series.SelectMany(s => s.Points).Select(point => point.Y).ToList();
        if (fit is not null)
        {
            var line = new[] { widths[0], widths[^1] }.Select(width => new ChartPoint(width, Math.Exp(fit.Intercept + fit.Slope * Math.Log(width)))).ToArray();
            values.AddRange(line.Select(point => point.Y));
            series.Add(new ChartSeries("fit", "#444", line) { Markers = false, Dash = "5 4", InLegend = false });
        }

        var chart = new LineChart
        {
            XAxis = ChartAxis.Logarithmic10(widths, "width m (log scale)", widths),
            YAxis = ChartAxis.Logarithmic10(values, axisTitle),
            Series = series,
            LegendTitle = "Seed",
            PlotWidth = 420,
            PlotHeight = 260,
        };
        return chart.Render(id, $"{symbol} against width for every seed of {cell.Label}");
    }

    private static string? LossChart(PhaseCell cell, string id)
    {
        var runs = cell.Runs.Where(run => run.Result is { LossCurve.Count: > 1 }).ToArray();
        if (runs.Length == 0)
        {
            return null;
        }

        var widths = runs.Select(run => run.Spec.Width).Distinct().Order().ToList();
        var series = runs
            .Select(run => new ChartSeries(
                $"m = {run.Spec.Width}, seed {run.Spec.Seed}",
                RegimePalette.SequentialColor(widths.IndexOf(run.Spec.Width), widths.Count),
                [.. run.Result!.LossCurve.Where(point => point.Step >= 1 && point.TestLoss > 0 && double.IsFinite(point.TestLoss)).Select(point => new ChartPoint(point.Step, point.TestLoss))]) { Markers = false })
            .Where(s => s.Points.Count > 0)
            .ToArray();
        if (series.Length == 0)
        {
            return null;
        }

        var chart = new LineChart
        {
            XAxis = ChartAxis.Logarithmic10(series.SelectMany(s => s.Points).Select(point => point.X), "gradient step (log scale)"),
            YAxis = ChartAxis.Logarithmic10(series.SelectMany(s => s.Points).Select(point => point.Y), "test loss (log scale)"),
            Series = series,
            LegendTitle = "Run",
            PlotWidth = 420,
            PlotHeight = 260,
        };
        return chart.Render(id, $"Test loss curves of {cell.Label}");
    }

    /// <summary>The student neurons at every width: the finished run of the lowest seed per width, narrowest first.</summary>
    private static void AppendNeurons(StringBuilder html, PhaseCell cell)
    {
        var runs = cell.Runs
            .Where(run => run.State == RunState.Done && run.Result is { Neurons.Count: > 0 })
            .GroupBy(run => run.Spec.Width)
            .OrderBy(group => group.Key)
            .Select(group => group.OrderBy(run => run.Spec.Seed).First())
            .ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        html.Append("<h2>Student neurons at every width</h2>\n<div class=\"neurons\">\n");
        foreach (var run in runs)
        {
            var heading = $"m = {run.Spec.Width}, seed {run.Spec.Seed}";
            var (svg, caption) = NeuronFigure.Render(run, $"c{cell.Index}-n{run.Spec.Width}", $"Student neurons of {cell.Label}, {heading}");
            html.Append("<figure>\n").Append(svg).Append("\n<figcaption><b>").Append(Escape(heading)).Append(".</b> ").Append(Escape(caption)).Append("</figcaption>\n</figure>\n");
        }

        html.Append("</div>\n");
    }

    private static void AppendWidths(StringBuilder html, PhaseCell cell)
    {
        html.Append("<h2>Per width</h2>\n<p class=\"muted\">Geometric means over seeds with 95% intervals.</p>\n<div class=\"table-wrap\"><table>\n<tr><th>m</th><th>done / div. / failed</th><th>RD_w</th><th>ΔK</th><th>D_f</th><th>test loss</th></tr>\n");
        foreach (var width in cell.Widths)
        {
            html.Append("<tr><td>").Append(ReportText.Integer(width.Width)).Append("</td><td>")
                .Append(ReportText.Integer(width.Counts.Done)).Append(" / ").Append(ReportText.Integer(width.Counts.Diverged)).Append(" / ").Append(ReportText.Integer(width.Counts.Failed)).Append("</td>");
            foreach (var estimate in new[] { width.RdW, width.KernelChange, width.KernelLimitDistance })
            {
                html.Append("<td>").Append(Escape(estimate.HasValue ? $"{ReportText.Number(estimate.Value, 3)} [{ReportText.Number(estimate.Low, 3)}, {ReportText.Number(estimate.High, 3)}]" : ReportText.Dash)).Append("</td>");
            }

            html.Append("<td>").Append(Escape(width.TestLoss.HasValue ? ReportText.Number(width.TestLoss.Value, 3) : ReportText.Dash)).Append("</td></tr>\n");
        }

        html.Append("</table></div>\n");
    }

    private static void AppendRuns(StringBuilder html, PhaseCell cell)
    {
        html.Append("<h2>Runs</h2>\n<div class=\"table-wrap\"><table>\n<tr><th>m</th><th>seed</th><th class=\"text\">state</th><th>steps</th><th>RD_w</th><th>ΔK</th><th>D_f</th><th>test loss</th><th class=\"text\">key</th></tr>\n");
        foreach (var run in cell.Runs)
        {
            var result = run.Result;
            html.Append("<tr><td>").Append(ReportText.Integer(run.Spec.Width)).Append("</td><td>").Append(ReportText.Integer((long)run.Spec.Seed))
                .Append("</td><td class=\"text\">").Append(Escape(ReportText.StateName(run.State))).Append("</td><td>")
                .Append(result is null ? ReportText.Dash : ReportText.Integer(result.Steps)).Append("</td><td>")
                .Append(result is null ? ReportText.Dash : ReportText.Number(result.RdW, 3)).Append("</td><td>")
                .Append(result is null ? ReportText.Dash : ReportText.Number(result.KernelChange, 3)).Append("</td><td>")
                .Append(result?.KernelLimitDistance is { } distance ? ReportText.Number(distance, 3) : ReportText.Dash).Append("</td><td>")
                .Append(result is null ? ReportText.Dash : ReportText.Number(result.TestLoss, 3)).Append("</td><td class=\"text\"><code>")
                .Append(Escape(run.Key[..Math.Min(12, run.Key.Length)])).Append("</code></td></tr>\n");
        }

        html.Append("</table></div>\n");
    }

    private static string Escape(string text) => SvgCanvas.Escape(text);
}
