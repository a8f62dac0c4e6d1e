using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;

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

    public static PhaseReportFiles Write(SweepDefinition sweep, IReadOnlyList<StoredRun> runs, string outputDirectory) =>
        Write(sweep.Name, sweep.Description, runs, OptionsFrom(sweep.Report) with { Refinement = RefinementLayout.Of(sweep) }, outputDirectory);

    public static PhaseReportFiles Write(string title, string? description, IReadOnlyList<StoredRun> runs, ReportOptions options, string outputDirectory)
    {
        var fullTitle = string.IsNullOrWhiteSpace(description) ? title : $"{title}: {description}";
        return PhaseReportWriter.Write(new PhaseReportInput { Title = fullTitle, Runs = runs, Options = options }, outputDirectory);
    }

    /// <summary>
    /// Every run a sweep plans, as its report must show them: the stored record where there is one, else the run as
    /// pending, so that a report of a sweep in progress says how much of it is missing instead of looking finished.
    /// </summary>
    public static IReadOnlyList<StoredRun> PlannedRuns(SweepDefinition sweep, IReadOnlyCollection<string> keys, IResultStore store)
    {
        var stored = store.GetMany(keys).ToDictionary(run => run.Key, StringComparer.Ordinal);
        var specs = new Dictionary<string, Training.Specs.RunSpec>(StringComparer.Ordinal);
        foreach (var point in sweep.Expand())
        {
            specs.TryAdd(point.Key, point.Spec);
        }

        return keys
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(key => stored.TryGetValue(key, out var run) ? run : specs.TryGetValue(key, out var spec) ? new StoredRun(key, spec, RunState.Pending, null, null) : null)
            .OfType<StoredRun>()
            .ToArray();
    }

    /// <summary>The planned runs of a sweep recorded in a store, from its manifest.</summary>
    public static (SweepDefinition Sweep, IReadOnlyList<StoredRun> Runs) FromManifest(SweepManifest manifest, IResultStore store)
    {
        var sweep = SweepFileParser.Parse(manifest.SourceText, manifest.Name + ".yaml");
        return (sweep, PlannedRuns(sweep, manifest.Keys, store));
    }

    /// <summary>
    /// One report per sweep of a store in DIR/NAME/ and an index page DIR/index.html linking them; runs no recorded
    /// sweep lists go to DIR/other-runs/. A store holds many sweeps, and mixing their cells in one map garbles it.
    /// </summary>
    public static string WriteAll(IResultStore store, string storeName, string outputDirectory)
    {
        var entries = new List<ReportIndexEntry>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in store.ReadSweepManifests().OrderBy(manifest => manifest.Name, StringComparer.Ordinal))
        {
            var (sweep, runs) = FromManifest(manifest, store);
            covered.UnionWith(manifest.Keys);
            var files = Write(sweep, runs, Path.Combine(outputDirectory, sweep.Name));
            entries.Add(ReportIndexEntry.Of(sweep.Name, sweep.Description, files));
        }

        var others = store.ReadAll().Where(run => !covered.Contains(run.Key)).OrderBy(run => run.Key, StringComparer.Ordinal).ToArray();
        if (others.Length > 0)
        {
            var files = Write("other runs", "runs of no sweep recorded in this store", others, new ReportOptions(), Path.Combine(outputDirectory, ReportIndexWriter.OtherRunsDirectory));
            entries.Add(ReportIndexEntry.Of(ReportIndexWriter.OtherRunsDirectory, "runs of no sweep recorded in this store", files));
        }

        return ReportIndexWriter.Write(storeName, entries, outputDirectory);
    }
}
