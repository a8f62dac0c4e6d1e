using System.CommandLine;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep report STORE [--out DIR] [--sweep NAME]`: one phase report per sweep of a store in DIR/NAME/ with an index
/// page DIR/index.html, or the report of one sweep in DIR.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Write the phase reports (HTML, CSV, JSON) of the sweeps in a store, one per sweep, with an index page.");
        var storeArgument = new Argument<DirectoryInfo>("store") { Description = "The result store directory." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output directory (default: STORE/report): DIR/index.html and DIR/NAME/ per sweep." };
        var sweepOption = new Option<string>("--sweep") { Description = "Only this sweep (by name): its report goes to DIR itself." };
        command.Arguments.Add(storeArgument);
        command.Options.Add(output);
        command.Options.Add(sweepOption);
        command.SetAction(parseResult =>
        {
            var storeDirectory = parseResult.GetValue(storeArgument)!;
            if (!storeDirectory.Exists || !Directory.Exists(Path.Combine(storeDirectory.FullName, "runs")))
            {
                throw new UsageException($"'{storeDirectory.FullName}' is not a result store (it has no runs/ directory)");
            }

            var store = new DirectoryResultStore(storeDirectory.FullName);
            var sweepName = parseResult.GetValue(sweepOption);
            var manifest = sweepName is null
                ? null
                : store.ReadSweepManifests().FirstOrDefault(candidate => candidate.Name == sweepName)
                    ?? throw new UsageException($"--sweep: the store has no sweep named '{sweepName}'");
            var outputDirectory = CommandPaths.Directory(parseResult.GetValue(output)?.FullName ?? Path.Combine(storeDirectory.FullName, "report"), "--out");
            if (manifest is not null)
            {
                var (sweep, runs) = SweepReport.FromManifest(manifest, store);
                var files = SweepReport.Write(sweep, runs, outputDirectory);
                Console.Out.WriteLine($"report: {files.Html} ({runs.Count} runs)");
                return 0;
            }

            var index = SweepReport.WriteAll(store, Path.GetFileName(storeDirectory.FullName.TrimEnd(Path.DirectorySeparatorChar)), outputDirectory);
            Console.Out.WriteLine($"report: {index} ({store.ReadSweepManifests().Count} sweeps)");
            return 0;
        });
        return command;
    }
}
