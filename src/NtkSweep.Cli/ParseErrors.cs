using System.CommandLine;
using System.CommandLine.Parsing;
using NtkSweep.Training.Specs;

namespace NtkSweep.Cli;

/// <summary>
/// The one line a command-line mistake gets: the nearest command or option for a typo, and the expected kind of value
/// ("an integer") instead of the parser's type names.
/// </summary>
internal static class ParseErrors
{
    public static string Describe(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        var path = CommandPath(parseResult.CommandResult);
        if (parseResult.UnmatchedTokens.Count > 0)
        {
            var token = parseResult.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                var options = OptionNames(parseResult.CommandResult).ToArray();
                var hint = NearMiss.Closest(token, options);
                return $"{token}: not an option of '{path}'{(hint is null ? string.Empty : $"; did you mean {hint}?")} (see '{path} --help')";
            }

            if (command.Subcommands.Count > 0)
            {
                var hint = NearMiss.Closest(token, command.Subcommands.Select(subcommand => subcommand.Name));
                return $"'{token}' is not a command of '{path}'{(hint is null ? string.Empty : $"; did you mean '{hint}'?")} (commands: {string.Join(", ", command.Subcommands.Select(subcommand => subcommand.Name))})";
            }

            return $"unexpected argument '{token}' for '{path}' (see '{path} --help')";
        }

        var error = parseResult.Errors[0];
        switch (error.SymbolResult)
        {
            case OptionResult option when option.Tokens.Count > 0 && error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal):
                return $"{option.Option.Name}: '{option.Tokens[0].Value}' is not {Expected(option.Option.ValueType)}";
            case ArgumentResult argument when argument.Tokens.Count > 0 && error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal):
                return $"{argument.Argument.Name}: '{argument.Tokens[0].Value}' is not {Expected(argument.Argument.ValueType)}";
        }

        if (error.Message.StartsWith("Required argument missing", StringComparison.Ordinal) && command.Arguments.Count > 0)
        {
            return $"'{path}' needs its {command.Arguments[0].Name} argument (see '{path} --help')";
        }

        if (command.Subcommands.Count > 0 && !parseResult.CommandResult.Children.Any())
        {
            return $"no command given (commands: {string.Join(", ", command.Subcommands.Select(subcommand => subcommand.Name))}; see '{path} --help')";
        }

        return error.Message;
    }

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "an integer",
        var t when t == typeof(double) || t == typeof(float) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(FileInfo) || t == typeof(DirectoryInfo) => "a path",
        var t when t == typeof(TimeSpan) => "a duration",
        _ => "a valid value",
    };

    /// <summary>"ntksweep run": the command's name after its parents'.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult commandResult)
            {
                names.Insert(0, commandResult.Command is RootCommand ? "ntksweep" : commandResult.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    /// <summary>Every option name and alias valid here: the command's own and the recursive ones of its parents.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        for (SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is CommandResult commandResult)
            {
                foreach (var option in commandResult.Command.Options.Where(option => ReferenceEquals(current, result) || option.Recursive))
                {
                    yield return option.Name;
                    foreach (var alias in option.Aliases)
                    {
                        yield return alias;
                    }
                }
            }
        }
    }
}
