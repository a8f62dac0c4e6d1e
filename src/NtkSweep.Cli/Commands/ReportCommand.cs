using System.CommandLine;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Cli.Commands;

/// <summary>`ntksweep report STORE --out DIR [--sweep NAME]`: the phase report of a store, or of one sweep in it.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Write the phase report (HTML, CSV, JSON) of the runs in a store.");
        var storeArgument = new Argument<DirectoryInfo>("store") { Description = "The result store directory." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output directory (default: STORE/report)." };
        var sweepOption = new Option<string>("--sweep") { Description = "Only the runs of this sweep (by name), with its report hints." };
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
            var runs = store.ReadAll();
            var title = $"Phase report: {Path.GetFileName(storeDirectory.FullName.TrimEnd(Path.DirectorySeparatorChar))}";
            string? description = null;
            var options = new ReportOptions();
            if (parseResult.GetValue(sweepOption) is { } sweepName)
            {
                var manifest = store.ReadSweepManifests().FirstOrDefault(m => m.Name == sweepName)
                    ?? throw new UsageException($"--sweep: the store has no sweep named '{sweepName}'");
                var keys = manifest.Keys.ToHashSet(StringComparer.Ordinal);
                runs = runs.Where(run => keys.Contains(run.Key)).ToArray();
                var sweep = SweepFileParser.Parse(manifest.SourceText, manifest.Name + ".yaml");
                title = sweep.Name;
                description = sweep.Description;
                options = SweepReport.OptionsFrom(sweep.Report);
            }

            var outputDirectory = CommandPaths.Directory(parseResult.GetValue(output)?.FullName ?? Path.Combine(storeDirectory.FullName, "report"), "--out");
            SweepReport.Write(title, description, runs, options, outputDirectory);
            Console.Out.WriteLine($"report: {Path.Combine(outputDirectory, "report.html")} ({runs.Count} runs)");
            return 0;
        });
        return command;
    }
}
