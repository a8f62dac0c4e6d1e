using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>The adaptive step rule of SCIENCE.md §3: η tied to the NTK curvature, halved when the loss rises.</summary>
public sealed class AdaptiveStepTests
{
    [Fact]
    public void Adaptive_step_starts_near_the_inverse_curvature_and_descends()
    {
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":256,"antisymmetric":true,"maxSteps":200,"lossTolerance":0}""");
        var result = Trainer.Run(spec, KernelFactory.Best);
        Assert.Equal(RunStatus.Budget, result.Status);
        Assert.True(result.FinalStepSize > 0);
        // The train loss recorded on the curve never rises: rejected steps are undone.
        for (var i = 1; i < result.LossCurve.Count; i++)
        {
            Assert.True(result.LossCurve[i].TrainLoss <= result.LossCurve[i - 1].TrainLoss, FormattableString.Invariant($"loss rose at step {result.LossCurve[i].Step}"));
        }

        Assert.True(result.TrainLoss < 0.1 * result.InitialTrainLoss);
    }

    [Fact]
    public void Step_scale_far_above_one_is_tamed_by_halving()
    {
        // η = 64/curvature overshoots on the first steps; halving must bring it back rather than end the run.
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":128,"antisymmetric":true,"stepScale":64,"maxSteps":3000}""");
        var result = Trainer.Run(spec, KernelFactory.Best);
        Assert.NotEqual(RunStatus.Diverged, result.Status);
        Assert.True(result.TrainLoss < 0.01 * result.InitialTrainLoss, FormattableString.Invariant($"loss {result.TrainLoss:g3} from {result.InitialTrainLoss:g3}"));
    }

    /// <summary>
    /// Measured: at the NTK point, width 64, seed 1, the loss reaches 4.75e-5 by step ~1300 and then never changes
    /// again (the same value to the last bit at step 20 000), while the step size has collapsed from ≈1.2 to ≈1.5e-4.
    /// A run with budget left must keep descending: the loss at the budget should be clearly below the loss at step
    /// ~2000. Diagnosis in the report: rejections on float32 noise ratchet η down faster than the refreshes let it
    /// recover, until steps no longer change the float32 parameters.
    /// </summary>
    [Fact]
    public void Adaptive_step_does_not_freeze_training_after_rejections()
    {
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":64,"antisymmetric":true,"preset":"ntk","maxSteps":20000,"seed":1}""");
        var result = Trainer.Run(spec, KernelFactory.Best);
        var early = result.LossCurve.First(point => point.Step >= 2000);
        Assert.True(
            result.TrainLoss < 0.9 * early.TrainLoss,
            FormattableString.Invariant($"loss {early.TrainLoss:R} at step {early.Step} and {result.TrainLoss:R} at step {result.Steps}; final η {result.FinalStepSize:g3}"));
    }
}
