using System.Text.Json.Nodes;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>A run is a pure function of its spec (and kernel path), apart from its timings.</summary>
public sealed class DeterminismTests
{
    public static TheoryData<string, KernelPath> Runs => new()
    {
        { """{"data":"teacher","inputDim":6,"teachers":2,"width":40,"weightDecay":0.003,"labelNoise":0.1,"maxSteps":300,"seed":4}""", KernelPath.Vector512 },
        { """{"data":"teacher","inputDim":6,"teachers":2,"width":40,"weightDecay":0.003,"labelNoise":0.1,"maxSteps":300,"seed":4}""", KernelPath.Reference },
        { """{"data":"luo1d","width":96,"antisymmetric":true,"gamma":1.25,"gammaPrime":0,"maxSteps":400}""", KernelPath.Vector256 },
        { """{"data":"teacher","inputDim":5,"teachers":1,"width":9,"alphaG":0.2,"bias":true,"maxSteps":200,"seed":8}""", KernelPath.Scalar },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Same_spec_twice_gives_identical_result_json_apart_from_timings(string json, KernelPath path)
    {
        var spec = RunSpecJson.Parse(json);
        var first = RunResultJson.Write(Trainer.Run(spec, path));
        var second = RunResultJson.Write(Trainer.Run(RunSpecJson.Parse(json), path));
        Assert.Equal(StripTimings(first), StripTimings(second));
    }

    [Fact]
    public void Timing_fields_are_exactly_wall_seconds_and_steps_per_second()
    {
        Assert.Equal(new[] { "metricSeconds", "stepsPerSecond", "wallSeconds" }, RunResultJson.TimingFields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Result_json_round_trips()
    {
        var spec = RunSpecJson.Parse("""{"data":"teacher","inputDim":4,"teachers":2,"width":12,"weightDecay":0.01,"maxSteps":50}""");
        var text = RunResultJson.Write(Trainer.Run(spec, KernelPath.Vector512));
        Assert.Equal(text, RunResultJson.Write(RunResultJson.Parse(text)));
    }

    [Fact]
    public void Kernel_paths_agree_on_a_short_fixed_rate_run()
    {
        // Fixed steps avoid the accept/reject branch, so the paths differ only by float32 rounding.
        var spec = RunSpecJson.Parse("""{"data":"teacher","inputDim":7,"teachers":2,"width":37,"trainSamples":50,"weightDecay":0.001,"stepRule":"fixed","learningRate":0.5,"maxSteps":30}""");
        var reference = Trainer.Run(spec, KernelPath.Reference);
        foreach (var path in new[] { KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512 })
        {
            var result = Trainer.Run(spec, path);
            Assert.Equal(reference.Status, result.Status);
            Assert.Equal(reference.RdW, result.RdW, 1e-4 * reference.RdW);
            Assert.Equal(reference.RdA, result.RdA, 1e-4 * reference.RdA);
            Assert.Equal(reference.TrainLoss, result.TrainLoss, 1e-4 * reference.TrainLoss);
            Assert.Equal(reference.KernelChange, result.KernelChange, 1e-3 * reference.KernelChange);
        }
    }

    private static string StripTimings(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var field in RunResultJson.TimingFields)
        {
            Assert.True(node.Remove(field), $"result JSON has no '{field}'");
        }

        return node.ToJsonString();
    }
}
