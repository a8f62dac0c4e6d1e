using System.Text.Json.Nodes;

namespace NtkSweep.Cli.Tests.Commands;

/// <summary>A sweep with refine: on the local silo, end to end: the coordinator grain refines as results arrive.</summary>
public sealed class RefinementRunTests
{
    private const string Sweep = """
        name: refine-tiny
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 3000, lossTolerance: 1e-5}
        axes:
          width: [64, 256, 1024]
          gammaPrime: {linspace: [-0.5, 1.5, 3]}
          gamma: {linspace: [0.5, 2.5, 3]}
        seeds: 2
        refine: {x: gammaPrime, y: gamma, levels: 2}
        report: {x: gammaPrime, y: gamma, boundary: luo}
        """;

    [Fact]
    public void RefinedSweep_GivesTheSameRunsWithOneOrTwoWorkers_AndARerunRunsNothing()
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Combine("refine-tiny.yaml");
        File.WriteAllText(sweep, Sweep);
        var one = directory.Combine("one");
        var two = directory.Combine("two");

        Assert.Equal(0, CliProcess.Run(directory.Path, "run", sweep, "--store", one, "--workers", "1").ExitCode);
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", sweep, "--store", two, "--workers", "2").ExitCode);

        var keysOne = StoredKeys(one);
        var keysTwo = StoredKeys(two);
        Assert.True(keysOne.Length > 3 * 3 * 3 * 2, $"{keysOne.Length} runs: the coarse grid has 54, refinement must add some");
        Assert.Equal(keysOne, keysTwo);

        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(one, "report", "report.json")))!;
        var refinement = report["refinement"]!;
        Assert.Equal(keysOne.Length, refinement["runs"]!.GetValue<int>());
        Assert.InRange(refinement["levels"]!.GetValue<int>(), 1, 2);
        Assert.True(refinement["uniformEquivalentRuns"]!.GetValue<long>() > keysOne.Length);
        Assert.Equal(keysOne.Length, report["runs"]!.AsArray().Count);
        // The side claims weigh refined cells by the area they cover, not by their number.
        var linearSide = report["claims"]!["items"]!.AsArray().Single(item => item!["id"]!.GetValue<string>() == "luo.linear-side")!;
        Assert.Contains("of the area", linearSide["measured"]!.GetValue<string>(), StringComparison.Ordinal);

        var rerun = CliProcess.Run(directory.Path, "run", sweep, "--store", one, "--workers", "2");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains($"({keysOne.Length} reused from the store)", rerun.Stdout, StringComparison.Ordinal);
        Assert.Equal(keysOne, StoredKeys(one));
    }

    private static string[] StoredKeys(string store) =>
        [.. Directory.EnumerateFiles(Path.Combine(store, "runs"), "*.json", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)];
}
