using System.Text;
using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Reports.Svg;

namespace NtkSweep.Sweeps.Reports;

/// <summary>Where <see cref="PhaseReportWriter.Write"/> put the report's files.</summary>
public sealed record PhaseReportFiles(string Html, string CellsCsv, string RunsCsv, string Json, PhaseAnalysis Analysis)
{
    /// <summary>The claims of the paper the runs reproduce, when the report recognized one.</summary>
    public PaperClaimReport? Claims { get; init; }
}

/// <summary>
/// Writes the phase report of a set of runs: report.html (self-contained, figures as inline SVG), each figure again as
/// figures/figure-NN.svg and figure-NN.png (where SkiaSharp runs), cells.csv, runs.csv and report.json. The same input
/// always gives byte-identical files (the PNGs on the same machine: their text uses its fonts).
/// </summary>
public static partial class PhaseReportWriter
{
    [System.Text.RegularExpressions.GeneratedRegex("<a href=\"cells/cell-[0-9]+\\.html\">")]
    private static partial System.Text.RegularExpressions.Regex CellLinks();

    public const string HtmlFileName = "report.html";
    public const string CellsCsvFileName = "cells.csv";
    public const string RunsCsvFileName = "runs.csv";
    public const string JsonFileName = "report.json";

    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    public static PhaseReportFiles Write(PhaseReportInput input, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var analysis = PhaseAnalyzer.Analyze(input);
        var claims = PaperClaims.Evaluate(analysis);
        Directory.CreateDirectory(outputDirectory);
        var files = new PhaseReportFiles(
            Path.Combine(outputDirectory, HtmlFileName),
            Path.Combine(outputDirectory, CellsCsvFileName),
            Path.Combine(outputDirectory, RunsCsvFileName),
            Path.Combine(outputDirectory, JsonFileName),
            analysis)
        {
            Claims = claims,
        };
        var rendered = ReportHtmlWriter.Render(analysis, claims);
        var figures = Path.Combine(outputDirectory, ReportHtmlWriter.FiguresDirectory);
        Directory.CreateDirectory(figures);
        var withPng = ReportHtmlWriter.PngDownloads(analysis);
        var current = rendered.Figures
            .SelectMany(figure => withPng ? new[] { figure.RelativePath, Path.ChangeExtension(figure.RelativePath, ".png") } : [figure.RelativePath])
            .Select(path => Path.Combine(outputDirectory, path));
        foreach (var stale in Directory.EnumerateFiles(figures, "figure-*.*").Where(path => path.EndsWith(".svg", StringComparison.Ordinal) || path.EndsWith(".png", StringComparison.Ordinal)).Except(current).ToArray())
        {
            File.Delete(stale);
        }

        var standalone = rendered.Figures.Select(figure => (
            Path: Path.Combine(outputDirectory, figure.RelativePath),
            // A standalone file needs the XML prolog a browser or a paper's toolchain expects of an .svg, and loses the
            // map's links to the cell pages, which are relative to report.html.
            Svg: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + CellLinks().Replace(figure.Svg, string.Empty).Replace("</a>\n", string.Empty, StringComparison.Ordinal) + "\n"))
            .ToArray();
        foreach (var (path, svg) in standalone)
        {
            WriteAtomically(path, svg);
        }

        if (withPng)
        {
            // Each PNG depends on its SVG alone, so they render side by side.
            Parallel.ForEach(standalone, figure => WriteAtomically(Path.ChangeExtension(figure.Path, ".png"), SvgRaster.RenderPng(figure.Svg)));
        }

        var cells = Path.Combine(outputDirectory, ReportCellPages.Directory);
        Directory.CreateDirectory(cells);
        foreach (var stale in Directory.EnumerateFiles(cells, "cell-*.html").Except(rendered.CellPages.Select(page => Path.Combine(outputDirectory, page.RelativePath))).ToArray())
        {
            File.Delete(stale);
        }

        foreach (var (relativePath, page) in rendered.CellPages)
        {
            WriteAtomically(Path.Combine(outputDirectory, relativePath), page);
        }

        WriteAtomically(files.Html, rendered.Html);
        WriteAtomically(files.CellsCsv, ReportCsvWriter.Cells(analysis));
        WriteAtomically(files.RunsCsv, ReportCsvWriter.Runs(analysis));
        WriteAtomically(files.Json, ReportJsonWriter.Write(analysis, claims));
        return files;
    }

    /// <summary>Write beside, then rename: a reader (or a browser refreshing the page) never sees half a file.</summary>
    private static void WriteAtomically(string path, string text) => WriteAtomically(path, Utf8WithoutBom.GetBytes(text));

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
