using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>Hints from a sweep file on how to draw its report; every one is optional.</summary>
public sealed record ReportOptions
{
    /// <summary>Spec field for the regime map's horizontal axis.</summary>
    public string? XField { get; init; }

    /// <summary>Spec field for the regime map's vertical axis.</summary>
    public string? YField { get; init; }

    /// <summary>"luo" forces the (γ′, γ) plane with Luo et al.'s boundary, "none" hides the boundary, null decides from the axes.</summary>
    public string? Boundary { get; init; }

    /// <summary>Spec field whose value × √m is the crossover variable (e.g. alphaG, giving Geiger's α_G·√m).</summary>
    public string? CrossoverField { get; init; }

    /// <summary>The options a sweep file's <c>report:</c> section asks for.</summary>
    public static ReportOptions FromHints(SweepReportHints hints)
    {
        ArgumentNullException.ThrowIfNull(hints);
        return new ReportOptions { XField = hints.X, YField = hints.Y, Boundary = hints.Boundary, CrossoverField = hints.Crossover };
    }
}

/// <summary>Everything the phase report is made from: runs from one or several sweeps of a store.</summary>
public sealed record PhaseReportInput
{
    public required string Title { get; init; }

    public required IReadOnlyList<StoredRun> Runs { get; init; }

    public ReportOptions Options { get; init; } = new();
}
