using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>The phase report of one sweep (its file's title, description and report hints) or of any set of runs.</summary>
public static class SweepReport
{
    public static ReportOptions OptionsFrom(SweepReportHints hints) => new()
    {
        XField = hints.X,
        YField = hints.Y,
        Boundary = hints.Boundary,
        CrossoverField = hints.Crossover,
    };

    public static void Write(SweepDefinition sweep, IReadOnlyList<StoredRun> runs, string outputDirectory) =>
        Write(sweep.Name, sweep.Description, runs, OptionsFrom(sweep.Report), outputDirectory);

    public static void Write(string title, string? description, IReadOnlyList<StoredRun> runs, ReportOptions options, string outputDirectory)
    {
        var fullTitle = string.IsNullOrWhiteSpace(description) ? title : $"{title}: {description}";
        PhaseReportWriter.Write(new PhaseReportInput { Title = fullTitle, Runs = runs, Options = options }, outputDirectory);
    }
}
