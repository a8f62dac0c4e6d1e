using System.Text.Json.Nodes;

namespace NtkSweep.Cli.Tests.Commands;

public sealed class ReportCommandTests
{
    [Fact]
    public void StoreSharedByTwoSweeps_GetsOneReportPerSweepAndAnIndexLinkingThem()
    {
        using var directory = new TemporaryDirectory();
        var store = directory.Combine("store");
        var luo = directory.Combine("luo.yaml");
        File.WriteAllText(luo, "name: luo-pair\nfixed: {data: luo1d, maxSteps: 200, width: 16}\naxes:\n  gamma: [0.5, 1.5]\n");
        var teacher = directory.Combine("teacher.yaml");
        File.WriteAllText(teacher, "name: teacher-pair\nfixed: {data: teacher, inputDim: 4, trainSamples: 16, maxSteps: 200, width: 16}\naxes:\n  preset: [ntk, lecun, he]\n");
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", luo, "--store", store, "--workers", "1").ExitCode);
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", teacher, "--store", store, "--workers", "1").ExitCode);
        var output = directory.Combine("reports");

        var outcome = CliProcess.Run(directory.Path, "report", store, "--out", output);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(Path.Combine(output, "index.html"), outcome.Stdout, StringComparison.Ordinal);
        var index = File.ReadAllText(Path.Combine(output, "index.html"));
        Assert.Contains("href=\"luo-pair/report.html\"", index, StringComparison.Ordinal);
        Assert.Contains("href=\"teacher-pair/report.html\"", index, StringComparison.Ordinal);
        foreach (var (name, cells) in new[] { ("luo-pair", 2), ("teacher-pair", 3) })
        {
            foreach (var file in new[] { "report.html", "report.json", "cells.csv", "runs.csv" })
            {
                Assert.True(File.Exists(Path.Combine(output, name, file)), $"{name}/{file} is missing");
            }

            // Each report holds its own sweep's cells only, titled by its sweep.
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(output, name, "report.json")))!;
            Assert.StartsWith(name, report["title"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(cells, report["cells"]!.AsArray().Count);
        }

        Assert.False(File.Exists(Path.Combine(output, "report.html")));
    }

    [Fact]
    public void SweepOption_WritesThatSweepsReportIntoTheOutputDirectory()
    {
        using var directory = new TemporaryDirectory();
        var store = directory.Combine("store");
        var sweep = directory.Combine("one.yaml");
        File.WriteAllText(sweep, "name: one\nfixed: {data: luo1d, maxSteps: 50, width: 8}\n");
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", sweep, "--store", store, "--workers", "1").ExitCode);
        var output = directory.Combine("one-report");

        Assert.Equal(0, CliProcess.Run(directory.Path, "report", store, "--out", output, "--sweep", "one").ExitCode);

        Assert.True(File.Exists(Path.Combine(output, "report.html")));
        Assert.False(File.Exists(Path.Combine(output, "index.html")));
        var missing = CliProcess.Run(directory.Path, "report", store, "--out", output, "--sweep", "two");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--sweep", missing.Stderr, StringComparison.Ordinal);
    }
}
