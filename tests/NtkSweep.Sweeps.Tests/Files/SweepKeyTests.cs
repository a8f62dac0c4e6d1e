using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Specs;
using static NtkSweep.Sweeps.Tests.Files.SweepExamples;

namespace NtkSweep.Sweeps.Tests.Files;

public sealed class SweepKeyTests
{
    private const string Ordered = """
        name: ordered
        fixed:
          data: luo1d
          maxSteps: 500
          antisymmetric: true
        axes:
          width: [64, 128]
          gamma: [0.5, 1.5]
        seeds: 2
        """;

    private const string Shuffled = """
        seeds: [1, 2]
        axes:
          width: [64, 128]
          gamma: [0.5, 1.5]
        fixed:
          antisymmetric: true
          maxSteps: 5e2
          data: luo1d
        name: shuffled
        """;

    [Fact]
    public void SameFieldsInDifferentOrder_GiveIdenticalKeys()
    {
        var ordered = Parse(Ordered).Expand().Select(point => point.Key);
        var shuffled = Parse(Shuffled).Expand().Select(point => point.Key);

        Assert.Equal(ordered, shuffled);
    }

    [Fact]
    public void AxisOrder_ChangesRunOrderButNotTheSetOfKeys()
    {
        var swapped = Parse(Ordered.Replace("  width: [64, 128]\n  gamma: [0.5, 1.5]", "  gamma: [0.5, 1.5]\n  width: [64, 128]", StringComparison.Ordinal));

        Assert.Equal(
            Parse(Ordered).Expand().Select(point => point.Key).Order(StringComparer.Ordinal),
            swapped.Expand().Select(point => point.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SweepName_DoesNotChangeKeys()
    {
        var renamed = Parse(Ordered.Replace("name: ordered", "name: renamed", StringComparison.Ordinal));

        Assert.Equal(Parse(Ordered).Expand().Select(point => point.Key), renamed.Expand().Select(point => point.Key));
    }

    [Fact]
    public void ChangedField_ChangesEveryKey()
    {
        var changed = Parse(Ordered.Replace("maxSteps: 500", "maxSteps: 501", StringComparison.Ordinal));

        Assert.Empty(Parse(Ordered).Expand().Select(point => point.Key).Intersect(changed.Expand().Select(point => point.Key)));
    }

    [Fact]
    public void ExplicitDefault_GivesTheSameKeyAsOmittingIt()
    {
        // The Luo task has a bias by default, so saying so explicitly is the same run.
        var implicitBias = Parse("name: a\nfixed:\n  data: luo1d\n");
        var explicitBias = Parse("name: a\nfixed:\n  data: luo1d\n  bias: true\n");

        Assert.Equal(implicitBias.Expand()[0].Key, explicitBias.Expand()[0].Key);
    }

    [Fact]
    public void OverlappingSweeps_ShareTheKeysOfTheirCommonRuns()
    {
        var small = Parse("name: small\nfixed:\n  data: luo1d\naxes:\n  width: [64, 256]\n  gamma: {linspace: [0.5, 1.5, 3]}\n");
        var large = Parse("name: large\nfixed:\n  data: luo1d\naxes:\n  gamma: [0.5, 0.75, 1, 1.25, 1.5]\n  width: [64, 1024]\nseeds: 2\n");

        var smallKeys = small.Expand().ToDictionary(point => point.Key);
        var largeKeys = large.Expand().ToDictionary(point => point.Key);
        var common = smallKeys.Keys.Intersect(largeKeys.Keys).ToList();

        // Common runs: width 64, γ ∈ {0.5, 1, 1.5}, seed 1.
        Assert.Equal(3, common.Count);
        Assert.All(common, key =>
        {
            Assert.Equal(smallKeys[key].Spec, largeKeys[key].Spec);
            Assert.Equal(64, smallKeys[key].Spec.Width);
        });
    }

    [Fact]
    public void Key_Is32LowercaseHexCharacters()
    {
        Assert.All(Parse(Ordered).Expand(), point =>
        {
            Assert.Equal(32, point.Key.Length);
            Assert.All(point.Key, c => Assert.True(c is (>= '0' and <= '9') or (>= 'a' and <= 'f'), $"'{c}' in {point.Key}"));
        });
    }

    [Fact]
    public void Key_IsTheRunKeyOfTheSpec()
    {
        Assert.All(Parse(Ordered).Expand(), point => Assert.Equal(RunKey.For(point.Spec), point.Key));
    }

    [Fact]
    public void Key_IsStableAcrossProcesses()
    {
        // A key computed in another process (this literal) must come out the same here: keys name stored results,
        // so nothing process-specific (hash seeds, culture, field order) may enter them. If the canonical spec or
        // RunKey.TrainingSemanticsVersion changes on purpose, every stored result is orphaned and this value with it.
        var point = Parse("name: a\nfixed:\n  data: luo1d\n  width: 64\n  gamma: 1.25\n  gammaPrime: 0\nseeds: [3]\n").Expand()[0];

        Assert.Equal(
            """{"data":"luo1d","inputDim":1,"trainSamples":8,"testSamples":64,"labelNoise":0,"bias":true,"width":64,"gamma":1.25,"gammaPrime":0,"antisymmetric":false,"weightDecay":0,"stepRule":"adaptive","stepScale":1,"maxSteps":10000,"lossTolerance":1E-05,"seed":3}""",
            point.Spec.ToCanonicalJson());
        Assert.Equal(RunSpecJson.Parse(point.Spec.ToCanonicalJson()), point.Spec);
        Assert.Equal(StableKey, point.Key);
    }

    private const string StableKey = "bce012df861f9b4e4dcc320d76cebb9b";
}
