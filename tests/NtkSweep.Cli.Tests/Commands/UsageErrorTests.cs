namespace NtkSweep.Cli.Tests.Commands;

/// <summary>Typos and wrong values get one line that says what was meant, exit code 2.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("'trian' is not a command of 'ntksweep'; did you mean 'train'?", "trian")]
    [InlineData("--widht: not an option of 'ntksweep train'; did you mean --width?", "train", "--widht", "5")]
    [InlineData("--workers: 'two' is not an integer", "run", "sweeps/quick.yaml", "--workers", "two")]
    [InlineData("no command given (commands: train, plan, run, report, silo, submit, status, cancel, export, delete;")]
    [InlineData("'ntksweep run' needs its file argument", "run")]
    public void CommandLineMistake_GetsOneLineWithWhatWasMeant_ExitTwo(string expected, params string[] args)
    {
        using var directory = new TemporaryDirectory();

        var outcome = CliProcess.Run(directory.Path, args);

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"width": "64"}""", "width must be a whole number, not the string \"64\"")]
    [InlineData("""{"widht": 64}""", "unknown field 'widht' (did you mean 'width'?)")]
    [InlineData("""{"width": 6.5}""", "width must be a whole number, not 6.5")]
    [InlineData("""{"antisymmetric": "yes"}""", "antisymmetric must be true or false, not the string \"yes\"")]
    public void SpecFileMistake_NamesTheFileAndTheField_NotAnOption(string json, string expected)
    {
        using var directory = new TemporaryDirectory();
        var spec = directory.Combine("spec.json");
        File.WriteAllText(spec, json);

        var outcome = CliProcess.Run(directory.Path, "train", "--spec", spec);

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {spec}: {expected}", line);
    }

    [Fact]
    public void TabInASweepFilesIndentation_IsReportedAtTheLineThatHoldsIt()
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Combine("tab.yaml");
        File.WriteAllText(sweep, "name: tab\nfixed:\n  data: luo1d\n\twidth: 8\n");

        var outcome = CliProcess.Run(directory.Path, "plan", sweep);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains($"{sweep}:4:", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("tab", outcome.Stderr, StringComparison.Ordinal);
    }
}
