namespace NtkSweep.Redis.Coordination;

/// <summary>
/// The coordinator's own settings, bound from the <see cref="SectionName"/> configuration section
/// (NTKSWEEP_COORDINATOR__LISTEN, NTKSWEEP_COORDINATOR__REPORTDIRECTORY, NTKSWEEP_COORDINATOR__RENDERSECONDS).
/// </summary>
public sealed class CoordinatorOptions
{
    public const string SectionName = "Coordinator";

    /// <summary>Where the HTTP server listens; loopback by default, a pod sets http://0.0.0.0:8080.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Where live reports are rendered, one directory per sweep.</summary>
    public string ReportDirectory { get; set; } = "reports";

    /// <summary>How often the coordinator looks for new results (and re-renders the reports that changed).</summary>
    public double RenderSeconds { get; set; } = 5;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Uri.TryCreate(Listen, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problems.Add($"the listen address '{Listen}' is not an http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(ReportDirectory))
        {
            problems.Add("the report directory must be given");
        }

        if (!double.IsFinite(RenderSeconds) || RenderSeconds < 0.1)
        {
            problems.Add("render seconds must be at least 0.1");
        }

        return problems;
    }
}
