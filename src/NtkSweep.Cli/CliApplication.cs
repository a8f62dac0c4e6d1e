using System.CommandLine;
using NtkSweep.Cli.Commands;

namespace NtkSweep.Cli;

/// <summary>
/// Composes the `ntksweep` commands. Usage errors (bad options, bad specs, bad sweep files) print one line naming
/// the problem and exit with code 2; nothing is written and no stack trace is shown.
/// </summary>
public static class CliApplication
{
    public const int UsageErrorExitCode = 2;

    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(60);

    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("NtkSweep: where the NTK (lazy) regime ends and feature learning begins, at scale.");
        root.Subcommands.Add(TrainCommand.Create());
        foreach (var command in ExtraCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var root = CreateRootCommand();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"error: {ParseErrors.Describe(parseResult)}");
            return UsageErrorExitCode;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                // SIGTERM/Ctrl-C cancel the command's token; a worker then checkpoints and releases its runs. Give that
                // time to finish (the Kubernetes grace period is 90 s) before the process is ended regardless.
                ProcessTerminationTimeout = ShutdownGrace,
            });
        }
        catch (Exception error) when (UsageErrors.TryDescribe(error, out var message))
        {
            await Console.Error.WriteLineAsync($"error: {message}");
            return UsageErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 130;
        }
    }
}
