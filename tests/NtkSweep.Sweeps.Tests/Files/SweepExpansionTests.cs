using NtkSweep.Sweeps.Files;
using NtkSweep.Training.Specs;
using static NtkSweep.Sweeps.Tests.Files.SweepExamples;

namespace NtkSweep.Sweeps.Tests.Files;

public sealed class SweepExpansionTests
{
    [Fact]
    public void ListAxis_KeepsValuesInFileOrder()
    {
        var sweep = Parse("""
            name: widths
            axes:
              width: [256, 64, 1024]
            """);

        var axis = Assert.Single(sweep.Axes);
        Assert.Equal("width", axis.Field);
        Assert.Equal("list", axis.Kind);
        Assert.Equal([256.0, 64.0, 1024.0], axis.Values);
        Assert.Equal([256, 64, 1024], sweep.Expand().Select(point => point.Spec.Width));
    }

    [Fact]
    public void ExplicitListForm_MatchesPlainSequence()
    {
        var plain = Parse("name: a\naxes:\n  preset: [ntk, mean-field]\n");
        var explicitList = Parse("name: a\naxes:\n  preset: {list: [ntk, mean-field]}\n");

        Assert.Equal(plain.Axes[0].Values, explicitList.Axes[0].Values);
        Assert.Equal(["ntk", "mean-field"], explicitList.Axes[0].Values);
        Assert.Equal(plain.Expand().Select(point => point.Key), explicitList.Expand().Select(point => point.Key));
    }

    [Fact]
    public void Linspace_IncludesBothEnds()
    {
        var sweep = Parse("name: a\naxes:\n  gamma: {linspace: [0.5, 1.5, 5]}\n");

        var axis = Assert.Single(sweep.Axes);
        Assert.Equal("linspace", axis.Kind);
        Assert.Equal([0.5, 0.75, 1.0, 1.25, 1.5], axis.Values);
        Assert.Equal(5, sweep.Expand().Count);
    }

    [Fact]
    public void Linspace_CountOne_IsJustStart()
    {
        var sweep = Parse("name: a\naxes:\n  gamma: {linspace: [0.8, 1.5, 1]}\n");

        Assert.Equal([0.8], sweep.Axes[0].Values);
    }

    [Fact]
    public void Linspace_Descending_RunsFromStartToStop()
    {
        var sweep = Parse("name: a\naxes:\n  gamma: {linspace: [2, 1, 3]}\n");

        Assert.Equal([2.0, 1.5, 1.0], sweep.Axes[0].Values);
    }

    [Fact]
    public void Logspace_GivesPowersOfTenBetweenExponents()
    {
        var sweep = Parse("name: a\naxes:\n  weightDecay: {logspace: [-4, -1, 4]}\n");

        var axis = Assert.Single(sweep.Axes);
        Assert.Equal("logspace", axis.Kind);
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1], axis.Values);
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1], sweep.Expand().Select(point => point.Spec.WeightDecay));
    }

    [Fact]
    public void Logspace_OnIntegerField_GivesWholeWidths()
    {
        var sweep = Parse("name: a\naxes:\n  width: {logspace: [1, 3, 3]}\n");

        Assert.Equal([10, 100, 1000], sweep.Expand().Select(point => point.Spec.Width));
    }

    [Fact]
    public void GeneratedValue_EqualsTheSameValueWrittenByHand()
    {
        // 0.1 + (0.5 - 0.1)·2/4 is 0.30000000000000004 in binary; the sweep must treat it as the 0.3 a user writes.
        var generated = Parse("name: a\naxes:\n  labelNoise: {linspace: [0.1, 0.5, 5]}\n");
        var written = Parse("name: b\nfixed:\n  labelNoise: 0.3\n");

        Assert.Contains(0.3, generated.Axes[0].Values);
        Assert.Contains(written.Expand()[0].Key, generated.Expand().Select(point => point.Key));
    }

    [Fact]
    public void Seeds_Count_MeansOneToN()
    {
        var sweep = Parse("name: a\nseeds: 4\n");

        Assert.Equal([1L, 2L, 3L, 4L], sweep.Seeds);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], sweep.Expand().Select(point => point.Spec.Seed));
    }

    [Fact]
    public void Seeds_List_UsesExactlyThoseSeeds()
    {
        var sweep = Parse("name: a\nseeds: [7, 0, 42]\n");

        Assert.Equal([7L, 0L, 42L], sweep.Seeds);
        Assert.Equal([7UL, 0UL, 42UL], sweep.Expand().Select(point => point.Spec.Seed));
    }

    [Fact]
    public void NoAxesAndNoSeeds_IsOneRunWithSeedOne()
    {
        var sweep = Parse("name: single\nfixed:\n  data: luo1d\n");

        var point = Assert.Single(sweep.Expand());
        Assert.Equal(1UL, point.Spec.Seed);
        Assert.Equal(DataKind.Luo1D, point.Spec.Data);
        Assert.Equal(1L, point.AxisValues["seed"]);
    }

    [Fact]
    public void Expand_IsCartesianProductWithFirstAxisOutermostAndSeedsInnermost()
    {
        var sweep = Parse("""
            name: order
            axes:
              width: [64, 128]
              weightDecay: [0, 0.01, 0.1]
            seeds: 2
            """);

        var points = sweep.Expand();

        Assert.Equal(2 * 3 * 2, points.Count);
        var expected = from width in new[] { 64, 128 }
                       from decay in new[] { 0, 0.01, 0.1 }
                       from seed in new ulong[] { 1, 2 }
                       select (width, decay, seed);
        Assert.Equal(expected, points.Select(point => (point.Spec.Width, point.Spec.WeightDecay, point.Spec.Seed)));
        Assert.Equal(64.0, points[0].AxisValues["width"]);
        Assert.Equal(0.01, points[2].AxisValues["weightDecay"]);
        Assert.Equal(["width", "weightDecay", "seed"], points[0].AxisValues.Keys);
    }

    [Fact]
    public void Expand_RepeatedRun_AppearsOnceAtItsFirstPosition()
    {
        // "ntk" and "NTK" are the same preset, so the two grid points are one run.
        var sweep = Parse("name: a\naxes:\n  preset: [ntk, mean-field, NTK]\nseeds: 2\n");

        var points = sweep.Expand();

        Assert.Equal(6, sweep.GridSize);
        Assert.Equal(4, points.Count);
        Assert.Equal(points.Count, points.Select(point => point.Key).Distinct().Count());
        Assert.Equal(["ntk", "ntk", "mean-field", "mean-field"], points.Select(point => point.AxisValues["preset"]));
    }

    [Fact]
    public void Expand_IsDeterministic()
    {
        var first = Parse(File.ReadAllText(PathOf("quick.yaml"))).Expand().Select(point => point.Key);
        var second = Parse(File.ReadAllText(PathOf("quick.yaml"))).Expand().Select(point => point.Key);

        Assert.Equal(first, second);
    }

    [Fact]
    public void FixedFields_ApplyToEveryRun()
    {
        var sweep = SweepFileParser.Load(PathOf("teacher-decay.yaml"));

        var points = sweep.Expand();

        Assert.Equal(16, points.Count);
        Assert.All(points, point =>
        {
            Assert.Equal(8, point.Spec.InputDim);
            Assert.Equal([1.0, -1.0], point.Spec.TeacherSigns);
            Assert.Equal(ParametrizationKind.Preset, point.Spec.Parametrization.Kind);
            Assert.Equal(Preset.MeanField, point.Spec.Parametrization.Preset);
            Assert.Equal(2000, point.Spec.MaxSteps);
        });
        Assert.Equal([7UL, 11UL], points.Select(point => point.Spec.Seed).Distinct());
    }

    [Fact]
    public void QuickExample_ParsesAllSections()
    {
        var path = PathOf("quick.yaml");
        var sweep = SweepFileParser.Load(path);

        Assert.Equal("quick", sweep.Name);
        Assert.Equal("A small phase diagram over (γ', γ).", sweep.Description);
        Assert.Equal(path, sweep.SourcePath);
        Assert.Equal(["data", "antisymmetric", "maxSteps"], sweep.Fixed.Keys);
        Assert.Equal("luo1d", sweep.Fixed["data"]);
        Assert.Equal(true, sweep.Fixed["antisymmetric"]);
        Assert.Equal(4000.0, sweep.Fixed["maxSteps"]);
        Assert.Equal(["width", "gamma", "gammaPrime"], sweep.Axes.Select(axis => axis.Field));
        Assert.Equal([1L, 2L], sweep.Seeds);
        Assert.Equal(new SweepReportHints { X = "gammaPrime", Y = "gamma", Boundary = "luo" }, sweep.Report);
        Assert.Equal(90, sweep.Expand().Count);
    }

    [Fact]
    public void NumberListField_AcceptsSequenceOrCommaText()
    {
        var sequence = Parse("name: a\nfixed:\n  teachers: 3\n  inputDim: 4\n  teacherSigns: [1, -1, 2]\n");
        var text = Parse("name: a\nfixed:\n  teachers: 3\n  inputDim: 4\n  teacherSigns: \"1,-1,2\"\n");

        Assert.Equal([1.0, -1.0, 2.0], (double[])sequence.Fixed["teacherSigns"]);
        Assert.Equal(sequence.Expand()[0].Key, text.Expand()[0].Key);
    }

    [Fact]
    public void NumberListAxis_TakesOneListPerValue()
    {
        var sweep = Parse("name: a\naxes:\n  teacherSigns: [[1, -1], [1, 1], \"-1,-1\"]\n");

        Assert.Equal([[1.0, -1.0], [1.0, 1.0], [-1.0, -1.0]], sweep.Expand().Select(point => point.Spec.TeacherSigns.ToArray()));
    }

    [Fact]
    public void HandBuiltDefinition_ExpandsWithoutAFile()
    {
        var sweep = new SweepDefinition
        {
            Name = "by-hand",
            SourcePath = "(code)",
            Fixed = new Dictionary<string, object> { ["data"] = "luo1d" },
            Axes = [new SweepAxis("width", [16.0, 32.0], "list")],
            Seeds = [3],
        };

        Assert.Equal([16, 32], sweep.Expand().Select(point => point.Spec.Width));
    }

    [Fact]
    public void HandBuiltInvalidDefinition_ExpandThrowsWithTheField()
    {
        var sweep = new SweepDefinition
        {
            Name = "by-hand",
            SourcePath = "(code)",
            Axes = [new SweepAxis("width", [-1.0], "list")],
        };

        var problem = Assert.Single(Assert.Throws<SweepFileException>(sweep.Expand).Problems);
        Assert.Equal("width", problem.Key);
        Assert.Equal("(code)", problem.File);
    }
}
