using System.Globalization;
using System.Text;
using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Reports.Svg;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>A figure of report.html as its own SVG file (a path relative to the report's folder).</summary>
internal sealed record StandaloneFigure(string RelativePath, string Svg);

/// <summary>report.html and the figure files beside it.</summary>
internal sealed record RenderedReport(string Html, IReadOnlyList<StandaloneFigure> Figures)
{
    /// <summary>The drill-down pages, one per cell, by path relative to report.html.</summary>
    public IReadOnlyList<(string RelativePath, string Html)> CellPages { get; init; } = [];
}

/// <summary>
/// report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or images from elsewhere) with the
/// summary, the figures of SCIENCE.md §5 and the tables. Missing numbers print as "—", never "NaN".
/// </summary>
internal static class ReportHtmlWriter
{
    private const string Style = """
        body { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; color: #222; background: #f6f6f4; margin: 0; line-height: 1.45; }
        main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
        h1 { font-size: 26px; margin: 0 0 12px; }
        h2 { font-size: 20px; margin: 36px 0 10px; border-bottom: 2px solid #e4e4e0; padding-bottom: 4px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        p.summary { font-size: 15.5px; background: #f3f7fb; border-left: 4px solid #4e79a7; padding: 10px 14px; }
        ul.notes { color: #7a4b00; }
        p.partial { font-size: 15px; background: #fff4e0; border-left: 4px solid #c77c02; padding: 10px 14px; }
        figure { margin: 18px 0 26px; padding: 12px; border: 1px solid #e2e2de; border-radius: 6px; background: #fff; overflow-x: auto; }
        figure svg { display: block; max-width: 100%; height: auto; }
        figcaption { font-size: 13.5px; color: #444; margin-top: 8px; max-width: 900px; }
        figcaption b { color: #222; }
        .table-wrap { overflow-x: auto; }
        .neurons { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); column-gap: 16px; }
        .neurons figure { margin: 8px 0; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; white-space: nowrap; }
        th { background: #f0f0ec; }
        td.text, th.text { text-align: left; }
        td.wrap { white-space: normal; text-align: left; max-width: 420px; }
        th.wrap { white-space: normal; }
        table.cells th { white-space: normal; min-width: 3em; }
        table.cells th, table.cells td { padding: 4px 5px; }
        table.cells td.regime { white-space: normal; text-align: left; min-width: 6em; }
        tr:nth-child(even) td { background: #fafaf8; }
        .swatch { display: inline-block; width: 11px; height: 11px; border: 1px solid #888; margin-right: 5px; vertical-align: -1px; }
        .swatch.diverged { background: repeating-linear-gradient(45deg, #c8c8c8 0 3px, #9a9a9a 3px 5px); }
        .muted { color: #777; }
        code { font-size: 12px; }
        dl.rules dt { font-weight: bold; margin-top: 6px; }
        dl.rules dd { margin-left: 18px; }
        """;

    /// <summary>How often a partial report's page reloads itself.</summary>
    public const int PartialRefreshSeconds = 10;

    public static string Write(PhaseAnalysis analysis) => Render(analysis, PaperClaims.Evaluate(analysis)).Html;

    /// <summary>
    /// Whether the figures also come as PNG: where SkiaSharp runs, and once every run has finished (a partial report,
    /// rewritten while its sweep runs, is not one to take figures from, and rasterizing costs about a second a report).
    /// </summary>
    public static bool PngDownloads(PhaseAnalysis analysis) =>
        SvgRaster.Unavailable is null && analysis.Counts.Pending + analysis.Counts.Running == 0;

    /// <summary>report.html, and each of its figures as a standalone SVG file for papers and slides.</summary>
    public static RenderedReport Render(PhaseAnalysis analysis, PaperClaimReport? claims)
    {
        var standalone = new List<StandaloneFigure>();
        var withPng = PngDownloads(analysis);
        var figures = new ReportFigures(analysis);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        var unfinished = analysis.Counts.Pending + analysis.Counts.Running;
        if (unfinished > 0)
        {
            // A partial report reloads itself while its sweep runs (the file is rewritten atomically).
            html.Append("<meta http-equiv=\"refresh\" content=\"").Append(ReportText.Integer(PartialRefreshSeconds)).Append("\">\n");
        }

        html.Append("<title>").Append(Escape(analysis.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n<main>\n");
        html.Append("<h1>").Append(Escape(analysis.Title)).Append("</h1>\n");
        if (unfinished > 0)
        {
            var finished = analysis.Counts.Total - unfinished;
            html.Append("<p class=\"partial\" id=\"partial\"><strong>Partial report: ").Append(ReportText.Integer(finished)).Append(" of ")
                .Append(ReportText.Integer(analysis.Counts.Total)).Append(" runs finished.</strong> Cells with runs still to come are drawn as pending and classified once complete; ")
                .Append("paper claims are held back until every run has finished. This page reloads every ").Append(ReportText.Integer(PartialRefreshSeconds)).Append(" s.</p>\n");
        }

        html.Append("<p class=\"summary\">").Append(Escape(ReportSummary.Paragraph(analysis))).Append("</p>\n");
        if (analysis.Notes.Count > 0)
        {
            html.Append("<ul class=\"notes\">\n");
            foreach (var note in analysis.Notes)
            {
                html.Append("<li>").Append(Escape(note)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        AppendStateCounts(html, analysis);
        if (claims is not null)
        {
            ClaimWriters.AppendHtml(html, claims);
        }

        var figureNumber = 0;
        html.Append("<h2>1. Regime map</h2>\n");
        var maps = figures.RegimeMaps();
        if (analysis.Cells.Count == 0)
        {
            html.Append("<p>There are no runs to map yet.</p>\n");
        }
        else if (maps.Count == 0)
        {
            html.Append("<p>Only the width varies across these runs, so there is no regime map: the single cell is ")
                .Append(Escape(ReportText.RegimeLabel(analysis.Cells[0].Regime) + " (" + analysis.Cells[0].RegimeBasis + ")"))
                .Append(".</p>\n");
        }

        foreach (var figure in maps)
        {
            AppendFigure(html, figure, ++figureNumber, standalone, withPng);
        }

        html.Append("<h2>2. Width scaling</h2>\n");
        var scaling = figures.WidthScaling();
        if (scaling.Count == 0)
        {
            html.Append("<p>Only one width has finished runs, so there is no width scaling to show; regimes come from the dead band.</p>\n");
        }

        foreach (var figure in scaling)
        {
            AppendFigure(html, figure, ++figureNumber, standalone, withPng);
        }

        html.Append("<h2>3. Crossover</h2>\n");
        var crossover = figures.Crossover(out var crossoverReason);
        if (crossover is null)
        {
            html.Append("<p>").Append(Escape(crossoverReason ?? "No crossover plot.")).Append("</p>\n");
        }
        else
        {
            AppendFigure(html, crossover, ++figureNumber, standalone, withPng);
            if (figures.KernelLimitCrossover() is { } limitCrossover)
            {
                AppendFigure(html, limitCrossover, ++figureNumber, standalone, withPng);
            }
        }

        html.Append("<h2>4. Student neurons</h2>\n");
        var neurons = figures.NeuronDirections();
        if (neurons.Count == 0)
        {
            html.Append("<p>No finished run recorded its neurons.</p>\n");
        }

        foreach (var figure in neurons)
        {
            AppendFigure(html, figure, ++figureNumber, standalone, withPng);
        }

        html.Append("<h2>5. Loss curves</h2>\n");
        var losses = figures.LossCurves();
        if (losses is null)
        {
            html.Append("<p>No finished run recorded a loss curve.</p>\n");
        }
        else
        {
            AppendFigure(html, losses, ++figureNumber, standalone, withPng);
        }

        html.Append("<h2>6. Tables</h2>\n");
        AppendCellTable(html, analysis);
        AppendProblemTable(html, analysis);
        AppendRules(html);
        html.Append("</main>\n</body>\n</html>\n");
        return new RenderedReport(html.ToString(), standalone) { CellPages = ReportCellPages.Render(analysis, Style) };
    }

    internal static string Escape(string text) => SvgCanvas.Escape(text);

    private static void AppendFigure(StringBuilder html, ReportFigure figure, int number, List<StandaloneFigure> standalone, bool withPng)
    {
        var fileName = $"{FiguresDirectory}/figure-{number.ToString("00", CultureInfo.InvariantCulture)}.svg";
        standalone.Add(new StandaloneFigure(fileName, figure.Svg));
        html.Append("<figure id=\"figure-").Append(ReportText.Integer(number)).Append("\">\n").Append(figure.Svg).Append('\n');
        html.Append("<figcaption><b>Figure ").Append(ReportText.Integer(number)).Append(". ").Append(Escape(figure.Heading)).Append(".</b> ")
            .Append(Escape(figure.Caption)).Append(" <a class=\"download\" href=\"").Append(fileName).Append("\" download>SVG</a>");
        if (withPng)
        {
            html.Append(" <a class=\"download\" href=\"").Append(Path.ChangeExtension(fileName, ".png")).Append("\" download>PNG</a>");
        }

        html.Append("</figcaption>\n</figure>\n");
    }

    /// <summary>The folder beside report.html that holds the figures as files.</summary>
    public const string FiguresDirectory = "figures";

    private static void AppendStateCounts(StringBuilder html, PhaseAnalysis analysis)
    {
        var counts = analysis.Counts;
        html.Append("<div class=\"table-wrap\"><table>\n<tr><th class=\"text\">runs</th><th>total</th><th>done</th><th>diverged</th><th>failed</th><th>pending</th><th>running</th><th>cells</th><th class=\"text\">widths</th></tr>\n");
        html.Append("<tr><td class=\"text\">count</td><td>").Append(ReportText.Integer(counts.Total))
            .Append("</td><td>").Append(ReportText.Integer(counts.Done))
            .Append("</td><td>").Append(ReportText.Integer(counts.Diverged))
            .Append("</td><td>").Append(ReportText.Integer(counts.Failed))
            .Append("</td><td>").Append(ReportText.Integer(counts.Pending))
            .Append("</td><td>").Append(ReportText.Integer(counts.Running))
            .Append("</td><td>").Append(ReportText.Integer(analysis.Cells.Count))
            .Append("</td><td class=\"text\">").Append(Escape(analysis.Widths.Count == 0 ? ReportText.Dash : string.Join(", ", analysis.Widths.Select(ReportText.Integer))))
            .Append("</td></tr>\n</table></div>\n");
    }

    private static void AppendCellTable(StringBuilder html, PhaseAnalysis analysis)
    {
        var showDecay = analysis.Runs.Any(run => run.Stored.Spec.WeightDecay > 0);
        html.Append("<h3>Cells</h3>\n<p class=\"muted\">Slopes are least-squares fits of log RD_w (log ΔK, log D_f) against log m over every finished seed, with 95% t-intervals; ")
            .Append("the metrics in the last columns are at the largest width (geometric means over seeds; hover for the 95% interval). ")
            .Append("Each cell's number opens its page, with every width and seed.</p>\n");
        html.Append("<div class=\"table-wrap\"><table class=\"cells\">\n<tr><th>#</th>");
        foreach (var field in analysis.CellFields)
        {
            html.Append("<th class=\"text\">").Append(Escape(ReportText.FieldSymbol(field))).Append("</th>");
        }

        html.Append("<th class=\"text\">regime</th><th class=\"text wrap\">basis</th><th>done / div. / failed</th><th>s(RD_w) [95% CI]</th><th>theory</th><th>s(ΔK) [95% CI]</th><th>s(D_f) [95% CI]</th>");
        html.Append("<th>RD_w</th><th>ΔK</th><th>test loss</th><th>far mass</th><th>lin. gap</th>");
        if (showDecay)
        {
            html.Append("<th>decay budget λΣη</th>");
        }

        html.Append("</tr>\n");
        foreach (var cell in analysis.Cells)
        {
            html.Append("<tr><td><a href=\"").Append(ReportCellPages.RelativePath(cell)).Append("\">").Append(ReportText.Integer(cell.Index + 1)).Append("</a></td>");
            foreach (var coordinate in cell.Coordinates)
            {
                html.Append("<td class=\"text\">").Append(Escape(ReportText.AxisText(coordinate.Value))).Append("</td>");
            }

            var swatchClass = cell.Regime == CellRegime.Diverged ? "swatch diverged" : "swatch";
            html.Append("<td class=\"regime\"><span class=\"").Append(swatchClass).Append("\" style=\"background-color: ")
                .Append(RegimePalette.Fill(cell.Regime)).Append("\"></span>").Append(Escape(ReportText.RegimeLabel(cell.Regime))).Append("</td>");
            html.Append("<td class=\"wrap\">").Append(Escape(cell.RegimeBasis)).Append("</td>");
            html.Append("<td>").Append(ReportText.Integer(cell.Counts.Done)).Append(" / ").Append(ReportText.Integer(cell.Counts.Diverged))
                .Append(" / ").Append(ReportText.Integer(cell.Counts.Failed)).Append("</td>");
            AppendSlopeCell(html, cell.RdWFit);
            html.Append("<td title=\"").Append(Escape(cell.Prediction.Reason)).Append("\">").Append(Escape(PredictionText(cell.Prediction))).Append("</td>");
            AppendSlopeCell(html, cell.KernelChangeFit);
            AppendSlopeCell(html, cell.KernelLimitFit);
            var largest = cell.LargestDoneWidth;
            AppendEstimateCell(html, largest?.RdW);
            AppendEstimateCell(html, largest?.KernelChange);
            html.Append("<td>").Append(Escape(ReportText.Number(largest?.TestLoss.Value ?? double.NaN, 3))).Append("</td>");
            html.Append("<td>").Append(Escape(ReportText.Number(largest?.FarMass.Value ?? double.NaN, 3))).Append("</td>");
            html.Append("<td>").Append(Escape(ReportText.Number(largest?.LinearizationGap.Value ?? double.NaN, 3))).Append("</td>");
            if (showDecay)
            {
                html.Append("<td>").Append(Escape(ReportText.Number(largest?.DecayBudget.Value ?? double.NaN, 3))).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table></div>\n");
    }

    /// <summary>A slope over its interval on two lines, so that three slope columns fit beside the rest at 1400 px.</summary>
    private static void AppendSlopeCell(StringBuilder html, SlopeFit? fit)
    {
        var text = ReportText.SlopeWithInterval(fit);
        var split = text.IndexOf(" [", StringComparison.Ordinal);
        html.Append("<td>");
        if (split < 0)
        {
            html.Append(Escape(text));
        }
        else
        {
            html.Append(Escape(text[..split])).Append("<br><span class=\"muted\">").Append(Escape(text[(split + 1)..])).Append("</span>");
        }

        html.Append("</td>");
    }

    private static string PredictionText(SlopePrediction prediction)
    {
        if (double.IsFinite(prediction.Slope))
        {
            return ReportText.Slope(prediction.Slope);
        }

        return prediction.Side switch
        {
            TheorySide.Linear => "< 0",
            TheorySide.Condensed => "> 0",
            _ => ReportText.Dash,
        };
    }

    private static void AppendEstimateCell(StringBuilder html, MetricEstimate? estimate)
    {
        if (estimate is not { HasValue: true } value)
        {
            html.Append("<td>").Append(ReportText.Dash).Append("</td>");
            return;
        }

        var interval = double.IsFinite(value.Low) ? $"95% CI [{ReportText.Number(value.Low, 3)}, {ReportText.Number(value.High, 3)}], " : string.Empty;
        html.Append("<td title=\"").Append(Escape(interval + ReportText.Integer(value.Count) + " seeds")).Append("\">")
            .Append(Escape(ReportText.Number(value.Value, 3))).Append("</td>");
    }

    private static void AppendProblemTable(StringBuilder html, PhaseAnalysis analysis)
    {
        var problems = analysis.Runs.Where(run => run.Stored.State is RunState.Diverged or RunState.Failed).ToArray();
        html.Append("<h3>Diverged and failed runs</h3>\n");
        if (problems.Length == 0)
        {
            html.Append("<p>No run diverged or failed.</p>\n");
            return;
        }

        html.Append("<p class=\"muted\">Diverged runs are counted in their cells but not averaged; failed runs have no result.</p>\n");
        html.Append("<div class=\"table-wrap\"><table>\n<tr><th class=\"text\">run key</th><th class=\"text\">cell</th><th>m</th><th>seed</th><th class=\"text\">state</th><th class=\"text\">what happened</th></tr>\n");
        foreach (var run in problems)
        {
            var stored = run.Stored;
            html.Append("<tr><td class=\"text\" title=\"").Append(Escape(stored.Key)).Append("\"><code>").Append(Escape(ReportFigures.ShortKey(stored.Key))).Append("</code></td>");
            html.Append("<td class=\"text\">").Append(Escape(analysis.Cells[run.CellIndex].Label)).Append("</td>");
            html.Append("<td>").Append(ReportText.Integer(stored.Spec.Width)).Append("</td>");
            html.Append("<td>").Append(ReportText.Integer((long)stored.Spec.Seed)).Append("</td>");
            html.Append("<td class=\"text\">").Append(Escape(ReportText.StateName(stored.State))).Append("</td>");
            html.Append("<td class=\"wrap\">").Append(Escape(ProblemText(stored))).Append("</td></tr>\n");
        }

        html.Append("</table></div>\n");
    }

    private static string ProblemText(StoredRun run)
    {
        if (run.Result is { } result)
        {
            var text = $"stopped by {RunResultJson.StopReasonName(result.StopReason)} after {ReportText.Integer(result.Steps)} steps";
            if (double.IsFinite(result.TrainLoss))
            {
                text += $"; last finite train loss {ReportText.Number(result.TrainLoss, 3)}";
            }

            return run.Error is null ? text : text + "; " + run.Error;
        }

        return run.Error ?? "failed without an error message";
    }

    private static void AppendRules(StringBuilder html)
    {
        html.Append("""
            <h3>How regimes are labelled</h3>
            <dl class="rules">
            <dt>Three or more widths</dt><dd>Fit the slope s of log RD_w against log m (seeds as separate points): lazy (NTK) if s &lt; −0.1, critical if |s| ≤ 0.1, condensed (feature learning) if s &gt; +0.1. The slope of log ΔK is shown beside it.</dd>
            <dt>Fewer widths (dead band, at the largest width)</dt><dd>Lazy if RD_w &lt; 0.1 and ΔK &lt; 0.1; feature learning if RD_w &gt; 1, or if the far-mass fraction is below 0.2 with every teacher covered (cluster mass at least half of |a*|); otherwise intermediate.</dd>
            <dt>Diverged</dt><dd>Every finished run of the cell diverged (its loss stopped being a finite number). Runs that diverged in otherwise finished cells are counted, not averaged.</dd>
            <dt>Theory</dt><dd>Luo et al.: linear iff γ &lt; 1 or γ′ &gt; γ − 1, condensed iff γ &gt; 1 and γ′ &lt; γ − 1. RD_w ~ m^−1/2 at the NTK point and m^−3/2 at LeCun/He; slope 0 on the boundary.</dd>
            </dl>

            """);
    }
}
