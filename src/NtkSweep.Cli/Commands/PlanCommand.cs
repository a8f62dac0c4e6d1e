using System.CommandLine;
using NtkSweep.Sweeps.Files;

namespace NtkSweep.Cli.Commands;

/// <summary>`ntksweep plan FILE`: validates a sweep file and prints its runs, axes and cost without running anything.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var command = new Command("plan", "Validate a sweep file and print its runs, axes and estimated cost.");
        var file = new Argument<FileInfo>("file") { Description = "The sweep file (YAML)." };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON." };
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parseResult =>
        {
            var sweep = SweepFileParser.Load(parseResult.GetValue(file)!.FullName);
            Console.Out.WriteLine(parseResult.GetValue(json) ? SweepPlan.ToJson(sweep) : SweepPlan.Describe(sweep));
            return 0;
        });
        return command;
    }
}
