using System.CommandLine;

namespace NtkSweep.Cli.Commands;

/// <summary>The sweep commands that follow `train`.</summary>
internal static class ExtraCommands
{
    public static IEnumerable<Command> Create() =>
    [
        PlanCommand.Create(),
        RunCommand.Create(),
        RedisReportCommand.Extend(ReportCommand.Create()),
        SubmitCommand.Create(),
        WorkerCommand.Create(),
        StatusCommand.Create(),
        CoordinatorCommand.Create(),
    ];
}
