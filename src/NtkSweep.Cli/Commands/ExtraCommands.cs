using System.CommandLine;

namespace NtkSweep.Cli.Commands;

/// <summary>The sweep commands (plan, run, report), added as they are built.</summary>
internal static class ExtraCommands
{
    public static IEnumerable<Command> Create() => [];
}
