using System.Diagnostics.CodeAnalysis;
using NtkSweep.Sweeps.Files;
using NtkSweep.Training.Specs;

namespace NtkSweep.Cli;

/// <summary>A problem with what the user asked for, reported in one line.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

internal static class UsageErrors
{
    /// <summary>Turns a user-caused exception into its one-line message; other exceptions stay exceptions.</summary>
    public static bool TryDescribe(Exception error, [NotNullWhen(true)] out string? message)
    {
        message = error switch
        {
            SpecException spec when spec.Field.Length > 0 => $"{OptionNames.ForField(spec.Field)}: {spec.Message}",
            SpecException spec => spec.Message,
            UsageException usage => usage.Message,
            SweepFileException sweep => sweep.Problems.Count > 1
                ? $"the sweep file has {sweep.Problems.Count} problems:\n{sweep.Message}"
                : sweep.Message,
            _ => null,
        };
        return message is not null;
    }
}

/// <summary>CLI option names are the kebab-case forms of the spec field names.</summary>
public static class OptionNames
{
    public static string ForField(string field)
    {
        if (field.Length == 0)
        {
            return field;
        }

        var builder = new System.Text.StringBuilder("--");
        foreach (var character in field)
        {
            if (char.IsUpper(character))
            {
                builder.Append('-').Append(char.ToLowerInvariant(character));
            }
            else
            {
                builder.Append(character);
            }
        }

        return builder.ToString();
    }
}
