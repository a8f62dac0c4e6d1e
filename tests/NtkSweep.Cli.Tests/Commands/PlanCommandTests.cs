using System.Text.Json;

namespace NtkSweep.Cli.Tests.Commands;

public sealed class PlanCommandTests
{
    private static string QuickSweep => Path.Combine(AppContext.BaseDirectory, "sweeps", "quick.yaml");

    [Fact]
    public void Plan_OfTheQuickSweep_CountsItsRunsAndAxes_AndRunsNothing()
    {
        using var directory = new TemporaryDirectory();
        var outcome = CliProcess.Run(directory.Path, "plan", QuickSweep);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("Runs: 432", outcome.Stdout, StringComparison.Ordinal);
        foreach (var axis in new[] { "width", "gamma", "gammaPrime" })
        {
            Assert.Contains(axis, outcome.Stdout, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public void PlanJson_IsOneMachineReadableObject()
    {
        using var directory = new TemporaryDirectory();
        var outcome = CliProcess.Run(directory.Path, "plan", QuickSweep, "--json");

        Assert.Equal(0, outcome.ExitCode);
        using var document = JsonDocument.Parse(outcome.Stdout);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    [Fact]
    public void Plan_ReportsEveryProblemOfABadFile_WithExitCodeTwo()
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Combine("two-problems.yaml");
        File.WriteAllText(sweep, "name: bad\nfixed:\n  width: -3\naxes:\n  gamma: []\n");

        var outcome = CliProcess.Run(directory.Path, "plan", sweep);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("two-problems.yaml:3: width", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("two-problems.yaml:5: gamma", outcome.Stderr, StringComparison.Ordinal);
    }
}
