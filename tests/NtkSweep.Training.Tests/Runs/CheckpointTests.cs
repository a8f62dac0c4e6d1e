using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

public sealed class CheckpointTests
{
    public static TheoryData<string> Specs => new()
    {
        """{"data":"luo1d","width":64,"antisymmetric":true,"gamma":1.25,"gammaPrime":0,"maxSteps":900,"lossTolerance":0}""",
        """{"data":"teacher","inputDim":6,"teachers":2,"width":24,"weightDecay":0.003,"maxSteps":700,"lossTolerance":0}""",
        """{"data":"teacher","inputDim":5,"teachers":2,"width":16,"alphaG":0.3,"stepRule":"fixed","learningRate":0.05,"maxSteps":500}""",
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Resuming_from_any_checkpoint_gives_the_uninterrupted_result_bit_for_bit(string json)
    {
        var spec = RunSpecJson.Parse(json);
        var checkpoints = new List<byte[]>();
        var uninterrupted = new TrainingSession(spec, KernelFactory.Create(KernelPath.Vector512))
            .Run(new CheckpointOptions(97, checkpoints.Add));
        Assert.True(checkpoints.Count >= 3, $"expected several checkpoints, got {checkpoints.Count}");

        var expected = WithoutTimings(uninterrupted);
        foreach (var checkpoint in new[] { checkpoints[0], checkpoints[checkpoints.Count / 2], checkpoints[^1] })
        {
            var session = new TrainingSession(spec, KernelFactory.Create(KernelPath.Vector512));
            session.RestoreCheckpoint(checkpoint);
            Assert.Equal(expected, WithoutTimings(session.Run()));
        }
    }

    [Fact]
    public void Cancelled_run_hands_out_a_final_checkpoint_that_finishes_the_run()
    {
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":128,"antisymmetric":true,"preset":"mean-field","maxSteps":3000,"lossTolerance":0}""");
        var expected = WithoutTimings(Trainer.Run(spec, KernelPath.Vector256));
        byte[]? last = null;
        using var cancellation = new CancellationTokenSource();
        var saves = 0;
        var options = new CheckpointOptions(100, checkpoint =>
        {
            last = checkpoint;
            if (++saves == 5)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => Trainer.Run(spec, KernelPath.Vector256, null, options, cancellation.Token));
        Assert.Equal(6, saves);

        Assert.Equal(expected, WithoutTimings(Trainer.Run(spec, KernelPath.Vector256, last, null)));
    }

    [Fact]
    public void Checkpoint_of_another_spec_or_kernel_path_is_refused()
    {
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":32,"maxSteps":200}""");
        var other = RunSpecJson.Parse("""{"data":"luo1d","width":32,"maxSteps":200,"seed":2}""");
        byte[]? checkpoint = null;
        new TrainingSession(spec, KernelFactory.Create(KernelPath.Scalar)).Run(new CheckpointOptions(50, c => checkpoint ??= c));
        Assert.NotNull(checkpoint);

        Assert.Throws<CheckpointMismatchException>(() => new TrainingSession(other, KernelFactory.Create(KernelPath.Scalar)).RestoreCheckpoint(checkpoint));
        Assert.Throws<CheckpointMismatchException>(() => new TrainingSession(spec, KernelFactory.Create(KernelPath.Vector256)).RestoreCheckpoint(checkpoint));
        Assert.Throws<CheckpointMismatchException>(() => new TrainingSession(spec, KernelFactory.Create(KernelPath.Scalar)).RestoreCheckpoint(checkpoint[..(checkpoint.Length / 2)]));
    }

    private static string WithoutTimings(RunResult result) =>
        RunResultJson.Write(result with { WallSeconds = 0, StepsPerSecond = 0, MetricSeconds = 0 });
}
