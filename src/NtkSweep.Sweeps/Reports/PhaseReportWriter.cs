using System.Text;
using NtkSweep.Sweeps.Reports.Claims;

namespace NtkSweep.Sweeps.Reports;

/// <summary>Where <see cref="PhaseReportWriter.Write"/> put the report's files.</summary>
public sealed record PhaseReportFiles(string Html, string CellsCsv, string RunsCsv, string Json, PhaseAnalysis Analysis)
{
    /// <summary>The claims of the paper the runs reproduce, when the report recognized one.</summary>
    public PaperClaimReport? Claims { get; init; }
}

/// <summary>
/// Writes the phase report of a set of runs: report.html (self-contained, figures as inline SVG), each figure again as
/// figures/figure-NN.svg, cells.csv, runs.csv and report.json. The same input always gives byte-identical files.
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
        foreach (var stale in Directory.EnumerateFiles(figures, "figure-*.svg").Except(rendered.Figures.Select(figure => Path.Combine(outputDirectory, figure.RelativePath))).ToArray())
        {
            File.Delete(stale);
        }

        foreach (var figure in rendered.Figures)
        {
            // A standalone file needs the XML prolog a browser or a paper's toolchain expects of an .svg, and loses the
            // map's links to the cell pages, which are relative to report.html.
            var svg = CellLinks().Replace(figure.Svg, string.Empty).Replace("</a>\n", string.Empty, StringComparison.Ordinal);
            WriteAtomically(Path.Combine(outputDirectory, figure.RelativePath), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n");
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
    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text, Utf8WithoutBom);
        File.Move(temporary, path, overwrite: true);
    }
}
