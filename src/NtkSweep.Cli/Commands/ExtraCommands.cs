using System.CommandLine;

namespace NtkSweep.Cli.Commands;

/// <summary>The sweep commands that follow `train`: local ones first, then the cluster's.</summary>
internal static class ExtraCommands
{
    public static IEnumerable<Command> Create() =>
    [
        PlanCommand.Create(),
        RunCommand.Create(),
        RedisReportCommand.Extend(ReportCommand.Create()),
        SiloCommand.Create(),
        SubmitCommand.Create(),
        StatusCommand.Create(),
        CancelCommand.Create(),
        ExportCommand.Create(),
        DeleteCommand.Create(),
    ];
}
