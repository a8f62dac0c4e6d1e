using System.Text.Json;
using System.Text.Json.Nodes;

namespace NtkSweep.Cli.Tests.Commands;

public sealed class TrainCommandTests
{
    [Theory]
    [InlineData("--width", "-3", "--width")]
    [InlineData("--train-samples", "0", "--train-samples")]
    [InlineData("--label-noise", "NaN", "--label-noise")]
    [InlineData("--preset", "ntx", "--preset")]
    [InlineData("--weight-decay", "abc", "--weight-decay")]
    public void BadValue_PrintsOneLineNamingTheOption_AndExitsWithTwo(string option, string value, string named)
    {
        using var directory = new TemporaryDirectory();
        var outcome = CliProcess.Run(directory.Path, "train", option, value);

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, outcome.Stdout);
    }

    [Fact]
    public void ContradictoryParametrization_IsAUsageError()
    {
        using var directory = new TemporaryDirectory();
        var outcome = CliProcess.Run(directory.Path, "train", "--preset", "ntk", "--gamma", "1");

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains("--gamma", outcome.Stderr, StringComparison.Ordinal);
        Assert.Contains("contradictory", outcome.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_HasTheDocumentedFields_AndRepeatsBitForBitApartFromTimings()
    {
        using var directory = new TemporaryDirectory();
        string[] args = ["train", "--data", "teacher", "--input-dim", "6", "--teachers", "2", "--width", "40", "--weight-decay", "0.001", "--max-steps", "300", "--json"];
        var first = CliProcess.Run(directory.Path, args);
        var second = CliProcess.Run(directory.Path, args);

        Assert.Equal(0, first.ExitCode);
        var json = JsonNode.Parse(first.Stdout)!.AsObject();
        foreach (var field in new[] { "status", "stopReason", "steps", "trainLoss", "testLoss", "rdW", "rdA", "kernelChange", "alignmentStart", "alignmentEnd", "linearizedTestLoss", "farMass", "teacherClusters", "decayBudget", "wallSeconds", "stepsPerSecond", "kernelPath", "spec" })
        {
            Assert.True(json.ContainsKey(field), $"missing {field}");
        }

        Assert.Equal(2, json["teacherClusters"]!.AsArray().Count);
        Assert.Equal(StripTimings(first.Stdout), StripTimings(second.Stdout));
    }

    [Fact]
    public void SpecFile_IsReadAndOptionsOverrideIt()
    {
        using var directory = new TemporaryDirectory();
        var specPath = directory.Combine("spec.json");
        File.WriteAllText(specPath, """{"data":"luo1d","width":32,"antisymmetric":true,"maxSteps":50}""");
        var outcome = CliProcess.Run(directory.Path, "train", "--spec", specPath, "--width", "48", "--json");

        Assert.Equal(0, outcome.ExitCode);
        var spec = JsonNode.Parse(outcome.Stdout)!["spec"]!;
        Assert.Equal("luo1d", spec["data"]!.GetValue<string>());
        Assert.Equal(48, spec["width"]!.GetValue<int>());
    }

    internal static string StripTimings(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var field in NtkSweep.Training.Runs.RunResultJson.TimingFields)
        {
            node.Remove(field);
        }
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
