using System.Globalization;
using System.Net;
using System.Text;
using NtkSweep.Grains;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Hosting;

/// <summary>
/// The silo's front page for whoever operates the cluster: the silos and their slots, every sweep with its progress,
/// throughput, ETA and failures (each sweep's failed runs and their errors one click away, on its failures page), the
/// load autoscaling reads, and links to the reports, status JSON and metrics. Refreshes itself every 5 s.
/// </summary>
public static class OperatorPage
{
    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}
        th,td{padding:.3em .7em;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        .bar{width:10em;height:.8em;background:#eee;display:inline-block;vertical-align:middle}.bar span{display:block;height:100%;background:#3a7}
        .bad{color:#b22}.muted{color:#777}code{font-size:90%}
        """;

    public static string Index(ClusterLoad load)
    {
        var html = Start("NtkSweep cluster", refreshSeconds: 5);
        html.Append(CultureInfo.InvariantCulture, $"<h1>NtkSweep cluster</h1><p>{load.Cluster.Silos.Count} silos, {load.BusySlots} of {load.Slots} slots busy; {load.PendingRuns} runs pending, {load.RunningRuns} running (outstanding: {load.OutstandingRuns}, what autoscaling reads at <a href=\"{SiloEndpoints.ClusterLoadPath}\">{SiloEndpoints.ClusterLoadPath}</a>).</p>");
        html.Append("<h2>Sweeps</h2><table><tr><th>sweep</th><th>progress</th><th>finished</th><th>running</th><th>pending</th><th>failed</th><th>runs/min</th><th>ETA</th><th>state</th><th></th></tr>");
        foreach (var sweep in load.Sweeps.Where(sweep => sweep.Exists).OrderBy(sweep => sweep.Finished).ThenBy(sweep => sweep.Name, StringComparer.Ordinal))
        {
            var name = Uri.EscapeDataString(sweep.Name);
            var state = sweep.Finished ? "finished" : sweep.Cancelled ? "cancelled" : sweep.Refining ? "refining" : "running";
            var failed = sweep.Counts.Failed > 0
                ? $"<a class=\"bad\" href=\"/sweeps/{name}/failures\">{sweep.Counts.Failed}</a>"
                : "0";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(sweep.Name)}</td><td><span class=\"bar\"><span style=\"width:{sweep.CostFraction * 100:0.#}%\"></span></span> {sweep.CostFraction * 100:0}%</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{sweep.Counts.Finished} of {sweep.Counts.Total}</td><td class=\"n\">{sweep.Counts.Running}</td><td class=\"n\">{sweep.Counts.Pending}</td><td class=\"n\">{failed}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{sweep.RunsPerSecond * 60:0.#}</td><td class=\"n\">{Encode(SweepEta.Format(sweep.Finished ? 0 : sweep.EtaSeconds, sweep.Refines && !sweep.Finished))}</td><td>{state}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td><a href=\"/sweeps/{name}/report/report.html\">report</a> · <a href=\"/api/sweeps/{name}\">JSON</a></td></tr>");
        }

        html.Append("</table><h2>Silos</h2><table><tr><th>silo</th><th>host</th><th>slots</th><th>busy</th><th>kernel</th></tr>");
        foreach (var silo in load.Cluster.Silos)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{Encode(silo.Silo)}</code></td><td>{Encode(silo.Host)}</td><td class=\"n\">{silo.Slots}</td><td class=\"n\">{silo.Busy}</td><td>{Encode(silo.KernelPath)}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</table><p class=\"muted\"><a href=\"/api/sweeps\">status JSON</a> · <a href=\"{SiloEndpoints.MetricsPath}\">Prometheus metrics</a> · slot counts as the silos last polled (about once a second)</p>");
        return html.ToString();
    }

    /// <summary>One sweep's failed runs with their last error and attempts (the first 100, as the sweep grain keeps them).</summary>
    public static string Failures(SweepStatus sweep)
    {
        var html = Start($"{sweep.Name}: failures", refreshSeconds: 0);
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(sweep.Name)}: {sweep.Counts.Failed} failed runs</h1><p><a href=\"/\">cluster</a> · `ntksweep submit FILE --retry-failed` runs them again</p>");
        html.Append("<table><tr><th>run key</th><th>attempts</th><th>error</th></tr>");
        foreach (var failure in sweep.Failures)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{Encode(failure.Key)}</code></td><td class=\"n\">{failure.Attempts}</td><td>{Encode(failure.Error)}</td></tr>");
        }

        html.Append("</table>");
        if (sweep.Counts.Failed > sweep.Failures.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{sweep.Counts.Failed - sweep.Failures.Count} more; runs.csv of the report lists them all.</p>");
        }

        return html.ToString();
    }

    private static StringBuilder Start(string title, int refreshSeconds)
    {
        var html = new StringBuilder("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">");
        if (refreshSeconds > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<meta http-equiv=\"refresh\" content=\"{refreshSeconds}\">");
        }

        return html.Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title><style>{Style}</style>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
