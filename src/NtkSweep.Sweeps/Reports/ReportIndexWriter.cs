using System.Globalization;
using System.Net;
using System.Text;
using NtkSweep.Sweeps.Reports.Claims;

namespace NtkSweep.Sweeps.Reports;

/// <summary>One sweep's line on the index page: where its report is and how far it is.</summary>
public sealed record ReportIndexEntry(string Directory, string? Description, StateCounts Counts, int Cells, string? Paper, int Reproduced, int Claims, bool Provisional)
{
    public static ReportIndexEntry Of(string directory, string? description, PhaseReportFiles files) => new(
        directory,
        description,
        files.Analysis.Counts,
        files.Analysis.Cells.Count,
        files.Claims is null ? null : PaperClaims.PaperName(files.Claims.Paper),
        files.Claims?.Claims.Count(claim => claim.Verdict == ClaimVerdict.Reproduced) ?? 0,
        files.Claims?.Claims.Count ?? 0,
        files.Claims?.Provisional ?? false);
}

/// <summary>DIR/index.html: every sweep's report in a store, with its run counts and claim verdicts. Self-contained, no scripts.</summary>
public static class ReportIndexWriter
{
    public const string FileName = "index.html";

    public const string OtherRunsDirectory = "other-runs";

    public static string Write(string storeName, IReadOnlyList<ReportIndexEntry> entries, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        var html = new StringBuilder();
        var title = "Phase reports: " + storeName;
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Escape(title)).Append("</title>\n");
        if (entries.Any(entry => entry.Counts.Pending + entry.Counts.Running > 0))
        {
            html.Append("<meta http-equiv=\"refresh\" content=\"30\">\n");
        }

        html.Append("<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}")
            .Append("table{border-collapse:collapse}th,td{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:right}")
            .Append("th.text,td.text{text-align:left}.partial{color:#a15c00}</style></head><body>\n");
        html.Append("<h1>").Append(Escape(title)).Append("</h1>\n");
        if (entries.Count == 0)
        {
            html.Append("<p>The store holds no runs yet.</p>\n");
        }
        else
        {
            html.Append("<table>\n<tr><th class=\"text\">sweep</th><th class=\"text\">description</th><th>runs</th><th>done</th><th>diverged</th><th>failed</th><th>pending</th><th>cells</th><th class=\"text\">paper claims</th></tr>\n");
            foreach (var entry in entries)
            {
                var counts = entry.Counts;
                var unfinished = counts.Pending + counts.Running;
                html.Append("<tr><td class=\"text\"><a href=\"").Append(Escape(Uri.EscapeDataString(entry.Directory))).Append("/report.html\">").Append(Escape(entry.Directory)).Append("</a>");
                if (unfinished > 0)
                {
                    html.Append(" <span class=\"partial\">(partial)</span>");
                }

                html.Append("</td><td class=\"text\">").Append(Escape(entry.Description ?? string.Empty)).Append("</td>");
                foreach (var value in new[] { counts.Total, counts.Done, counts.Diverged, counts.Failed, unfinished, entry.Cells })
                {
                    html.Append("<td>").Append(value.ToString(CultureInfo.InvariantCulture)).Append("</td>");
                }

                var claims = entry.Paper is null
                    ? "—"
                    : entry.Provisional
                        ? $"{entry.Paper}: held back until every run has finished"
                        : $"{entry.Paper}: {entry.Reproduced} of {entry.Claims} reproduced";
                html.Append("<td class=\"text\">").Append(Escape(claims)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("</body></html>\n");
        var path = Path.Combine(outputDirectory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, html.ToString(), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
