using System.Text;
using System.Text.Json;
using NtkSweep.Sweeps.Reports.Svg;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>The "Paper claims" section of report.html and the "claims" object of report.json.</summary>
internal static class ClaimWriters
{
    private const string PredictionColor = "#333333";

    public static void AppendHtml(StringBuilder html, PaperClaimReport report)
    {
        var reproduced = report.Claims.Count(claim => claim.Verdict == ClaimVerdict.Reproduced);
        html.Append("<section id=\"claims\">\n<h2>Paper claims</h2>\n");
        html.Append("<p>").Append(Escape(report.Citation)).Append(" (recognized by ").Append(Escape(report.RecognizedBy)).Append("): ")
            .Append(ReportText.Integer(reproduced)).Append(" of ").Append(ReportText.Integer(report.Claims.Count)).Append(" claims reproduced")
            .Append(report.Provisional ? " (provisional: verdicts are held back until every run has finished; the measurements so far are shown)" : string.Empty).Append(".</p>\n");
        html.Append("<div class=\"table-wrap\"><table class=\"claims\">\n<tr><th class=\"text\">claim</th><th class=\"text\">predicted</th><th class=\"text\">measured [95% CI]</th><th class=\"text\">verdict</th><th class=\"text\">rule</th><th class=\"text\">evidence</th></tr>\n");
        foreach (var claim in report.Claims)
        {
            var verdictColor = claim.Verdict switch
            {
                ClaimVerdict.Reproduced => "#1b7a3a",
                ClaimVerdict.NotReproduced => "#b3261e",
                _ => "#7a5b00",
            };
            html.Append("<tr id=\"claim-").Append(Escape(claim.Id)).Append("\"><td class=\"wrap\">").Append(Escape(claim.Statement)).Append("</td>");
            html.Append("<td class=\"wrap\">").Append(Escape(claim.Prediction)).Append("</td>");
            html.Append("<td class=\"wrap\">").Append(Escape(MeasuredText(claim))).Append("</td>");
            html.Append("<td class=\"text\" style=\"color: ").Append(verdictColor).Append("; font-weight: bold\">").Append(Escape(PaperClaims.VerdictName(claim.Verdict))).Append("</td>");
            html.Append("<td class=\"wrap\">").Append(Escape(claim.Rule)).Append("</td>");
            html.Append("<td class=\"wrap\">").Append(Escape(claim.Evidence)).Append("</td></tr>\n");
        }

        html.Append("</table></div>\n");
        var number = 0;
        foreach (var chart in report.Charts)
        {
            number++;
            html.Append("<figure>\n").Append(Render(chart, "c" + ReportText.Integer(number))).Append('\n');
            html.Append("<figcaption><b>Figure C").Append(ReportText.Integer(number)).Append(". ").Append(Escape(chart.Heading)).Append(".</b> ")
                .Append(Escape(chart.Caption)).Append("</figcaption>\n</figure>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>The "claims" object, written into report.json's own writer (see ReportJsonWriter for why it is hand-written).</summary>
    public static void WriteJson(Utf8JsonWriter writer, PaperClaimReport? report)
    {
        writer.WritePropertyName("claims");
        if (report is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("paper", PaperClaims.PaperName(report.Paper));
        writer.WriteString("citation", report.Citation);
        writer.WriteString("recognizedBy", report.RecognizedBy);
        writer.WriteNumber("reproduced", report.Claims.Count(claim => claim.Verdict == ClaimVerdict.Reproduced));
        writer.WriteBoolean("provisional", report.Provisional);
        writer.WriteStartArray("items");
        foreach (var claim in report.Claims)
        {
            writer.WriteStartObject();
            writer.WriteString("id", claim.Id);
            writer.WriteString("statement", claim.Statement);
            writer.WriteString("prediction", claim.Prediction);
            Number(writer, "predictedValue", claim.PredictedValue);
            Number(writer, "measuredValue", claim.MeasuredValue);
            Number(writer, "low", claim.Low);
            Number(writer, "high", claim.High);
            writer.WriteString("measured", MeasuredText(claim));
            writer.WriteString("verdict", PaperClaims.VerdictName(claim.Verdict));
            writer.WriteString("rule", claim.Rule);
            writer.WriteString("evidence", claim.Evidence);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string MeasuredText(PaperClaim claim)
    {
        if (claim.MeasuredText is not null)
        {
            return claim.MeasuredText;
        }

        var value = ReportText.Number(claim.MeasuredValue, 3);
        return double.IsFinite(claim.Low) && double.IsFinite(claim.High)
            ? $"{value} [{ReportText.Number(claim.Low, 3)}, {ReportText.Number(claim.High, 3)}]"
            : value;
    }

    private static string Render(ClaimChart chart, string idPrefix)
    {
        var series = chart.Series.Select(item =>
        {
            var points = item.Points.Select(point => new ChartPoint(point.X, point.Y, point.Low, point.High, point.Tooltip)).ToArray();
            return item.Style switch
            {
                ClaimSeriesStyle.Measured => new ChartSeries(item.Name, RegimePalette.SeriesColor(item.ColorIndex), points) { Connect = chart.XCategories.Count > 0 },
                ClaimSeriesStyle.Fit => new ChartSeries(item.Name, RegimePalette.SeriesColor(item.ColorIndex), points) { Markers = false, InLegend = item.Name != "fit" },
                _ => new ChartSeries(item.Name, PredictionColor, points) { Markers = false, Dash = "6 4" },
            };
        }).ToArray();
        var xs = chart.Series.SelectMany(item => item.Points).Select(point => point.X).ToArray();
        var ys = chart.Series.SelectMany(item => item.Points).SelectMany(point => new[] { point.Y, point.Low, point.High }).Where(double.IsFinite).ToArray();
        var xAxis = chart.XCategories.Count > 0
            ? ChartAxis.Categories(chart.XCategories, chart.XTitle)
            : chart.LogX ? ChartAxis.Logarithmic10(xs, chart.XTitle) : ChartAxis.Linear(xs, chart.XTitle);
        var yAxis = chart.LogY ? ChartAxis.Logarithmic10(ys, chart.YTitle) : ChartAxis.Linear(ys, chart.YTitle, includeZero: chart.XCategories.Count > 0);
        var lineChart = new LineChart { XAxis = xAxis, YAxis = yAxis, Series = series };
        return lineChart.Render(idPrefix, chart.Heading);
    }

    private static string Escape(string text) => SvgCanvas.Escape(text);

    private static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
