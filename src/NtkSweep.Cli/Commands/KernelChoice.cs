using NtkSweep.Training.Kernels;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// The kernel path a command asked for: <c>--kernel</c>, else NTKSWEEP_KERNEL, else none (the engine or trainer then
/// takes <see cref="KernelFactory.Best"/>). The only place the program reads the environment variable.
/// </summary>
public static class KernelChoice
{
    public const string EnvironmentVariable = "NTKSWEEP_KERNEL";

    public static string OptionDescription { get; } = $"Kernel path: auto, {KernelFactory.Names} (default: {EnvironmentVariable}, else auto).";

    /// <summary>The path named by the option or, without it, by the environment; null for neither (or "auto").</summary>
    public static KernelPath? FromOptionOrEnvironment(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return Parse(option, "--kernel");
        }

        var variable = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(variable) ? null : Parse(variable, EnvironmentVariable);
    }

    private static KernelPath? Parse(string name, string source)
    {
        if (name.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return KernelFactory.TryParse(name, out var path)
            ? path
            : throw new UsageException($"{source}: unknown kernel path '{name}' (expected auto, {KernelFactory.Names})");
    }
}
