using System.Text.Json;
using NtkSweep.Sweeps.Files;
using NtkSweep.Training.Specs;
using static NtkSweep.Sweeps.Tests.Files.SweepExamples;

namespace NtkSweep.Sweeps.Tests.Files;

public sealed class SweepPlanTests
{
    private static RunSpec Spec(int width = 64, int maxSteps = 1000) =>
        new RunSpecBuilder().Set("data", "teacher").Set("width", width).Set("maxSteps", maxSteps).Build();

    [Fact]
    public void RunCost_GrowsLinearlyWithWidth()
    {
        var narrow = RunCost.EstimateFlops(Spec(width: 64));
        var wide = RunCost.EstimateFlops(Spec(width: 256));

        Assert.True(narrow > 0);
        Assert.Equal(4 * narrow, wide, 6);
    }

    [Fact]
    public void RunCost_GrowsLinearlyWithMaxSteps()
    {
        var costs = new[] { 1000, 2000, 3000 }.Select(steps => RunCost.EstimateFlops(Spec(maxSteps: steps))).ToArray();

        Assert.True(costs[1] > costs[0]);
        Assert.Equal(costs[1] - costs[0], costs[2] - costs[1], 6);
    }

    [Fact]
    public void RunCost_MatchesTheStatedFormula()
    {
        var spec = Spec(width: 100, maxSteps: 10);
        double n = spec.TrainSamples;
        double c = spec.InputDim;
        var expected = (6 * n * c * 100 * 10) + (12 * n * n * 100) + (4 * spec.TestSamples * n * 100);

        Assert.False(spec.Bias);
        Assert.Equal(expected, RunCost.EstimateFlops(spec), 6);
    }

    [Fact]
    public void RunCost_SecondsAreFlopsOverSpeed()
    {
        var spec = Spec();

        Assert.Equal(RunCost.EstimateFlops(spec) / 20e9, RunCost.EstimateSeconds(spec), 12);
        Assert.Equal(RunCost.EstimateFlops(spec) / 5e9, RunCost.EstimateSeconds(spec, 5), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => RunCost.EstimateSeconds(spec, 0));
    }

    [Fact]
    public void Describe_MentionsRunCountAndEveryAxis()
    {
        var sweep = SweepFileParser.Load(PathOf("quick.yaml"));

        var text = SweepPlan.Describe(sweep, cores: 2);

        Assert.Contains("Runs: 90 (3 width × 5 gamma × 3 gammaPrime × 2 seeds)", text, StringComparison.Ordinal);
        Assert.Contains("width (list, 3): 64, 256, 1024", text, StringComparison.Ordinal);
        Assert.Contains("gamma (linspace, 5): 0.5, 0.75, 1, 1.25, 1.5", text, StringComparison.Ordinal);
        Assert.Contains("gammaPrime (list, 3): -0.5, 0, 0.5", text, StringComparison.Ordinal);
        Assert.Contains("quick", text, StringComparison.Ordinal);
        Assert.Contains("A small phase diagram", text, StringComparison.Ordinal);
        Assert.Contains("maxSteps = 4000", text, StringComparison.Ordinal);
        Assert.Contains("GFLOP", text, StringComparison.Ordinal);
        Assert.Contains("on 2 cores", text, StringComparison.Ordinal);
        Assert.Contains("Most expensive run", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ShowsSmallNumbersCompactly()
    {
        var sweep = SweepFileParser.Load(PathOf("teacher-decay.yaml"));

        var text = SweepPlan.Describe(sweep, cores: 1);

        Assert.Contains("weightDecay (logspace, 4): 1e-4, 0.001, 0.01, 0.1", text, StringComparison.Ordinal);
        Assert.Contains("Seeds: 7, 11", text, StringComparison.Ordinal);
        Assert.Contains("teacherSigns = [1, -1]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_SaysHowManyGridPointsRepeatAnotherRun()
    {
        var sweep = Parse("name: a\naxes:\n  preset: [ntk, NTK, he]\n");

        var text = SweepPlan.Describe(sweep);

        Assert.Contains("Runs: 2 (3 preset × 1 seed = 3 grid points, 1 of them repeats of another run)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_ShortensLongAxesButJsonKeepsEveryValue()
    {
        var sweep = Parse("name: a\naxes:\n  width: {linspace: [10, 1000, 100]}\n");

        Assert.Contains("width (linspace, 100): 10, 20, 30, 40, 50, 60, 70, 80, …, 970, 980, 990, 1000", SweepPlan.Describe(sweep), StringComparison.Ordinal);
        using var plan = JsonDocument.Parse(SweepPlan.ToJson(sweep));
        Assert.Equal(100, plan.RootElement.GetProperty("axes")[0].GetProperty("values").GetArrayLength());
    }

    [Fact]
    public void Describe_MostExpensiveRunIsTheWidest()
    {
        var sweep = Parse("name: a\naxes:\n  width: [64, 512, 128]\n");

        Assert.Contains("width=512", SweepPlan.Describe(sweep), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_WallTimeDividesByCoresButNotBelowTheLongestRun()
    {
        var sweep = Parse("name: a\nfixed:\n  maxSteps: 100000\naxes:\n  width: [64, 64000]\n");
        var points = sweep.Expand();
        var longest = RunCost.EstimateSeconds(points[1].Spec);

        using var plan = JsonDocument.Parse(SweepPlan.ToJson(sweep, cores: 16));

        var cost = plan.RootElement.GetProperty("cost");
        Assert.Equal(longest, cost.GetProperty("wallSeconds").GetDouble(), 9);
        Assert.True(cost.GetProperty("cpuSeconds").GetDouble() > longest);
    }

    [Fact]
    public void ToJson_CarriesTheSameInformation()
    {
        var sweep = SweepFileParser.Load(PathOf("quick.yaml"));
        var points = sweep.Expand();

        using var plan = JsonDocument.Parse(SweepPlan.ToJson(sweep, cores: 2));

        var root = plan.RootElement;
        Assert.Equal("quick", root.GetProperty("name").GetString());
        Assert.Equal(90, root.GetProperty("runs").GetInt32());
        var axes = root.GetProperty("axes").EnumerateArray().ToList();
        Assert.Equal(["width", "gamma", "gammaPrime"], axes.Select(axis => axis.GetProperty("field").GetString()));
        Assert.Equal([0.5, 0.75, 1, 1.25, 1.5], axes[1].GetProperty("values").EnumerateArray().Select(value => value.GetDouble()));
        Assert.Equal("linspace", axes[1].GetProperty("kind").GetString());
        Assert.Equal([1, 2], root.GetProperty("seeds").EnumerateArray().Select(seed => seed.GetInt64()));
        Assert.True(root.GetProperty("fixed").GetProperty("antisymmetric").GetBoolean());
        Assert.Equal("luo", root.GetProperty("report").GetProperty("boundary").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("report").GetProperty("crossover").ValueKind);

        var cost = root.GetProperty("cost");
        var totalFlops = points.Sum(point => RunCost.EstimateFlops(point.Spec));
        Assert.Equal(totalFlops / 1e9, cost.GetProperty("totalGflop").GetDouble(), 6);
        Assert.Equal(totalFlops / 20e9, cost.GetProperty("cpuSeconds").GetDouble(), 6);
        Assert.Equal(2, cost.GetProperty("cores").GetInt32());
        var costliest = cost.GetProperty("mostExpensiveRun");
        Assert.Equal(1024, costliest.GetProperty("axisValues").GetProperty("width").GetDouble());
        Assert.Contains(costliest.GetProperty("key").GetString(), points.Select(point => point.Key));
    }
}
