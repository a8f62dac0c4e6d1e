using NtkSweep.Training.Data;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>How a run ends (SCIENCE.md §3) and the metric identities that hold when it has not moved.</summary>
public sealed class RunOutcomeTests
{
    public static TheoryData<string> DivergingSpecs => new()
    {
        """{"data":"luo1d","width":64,"stepRule":"fixed","learningRate":1e6,"maxSteps":100}""",
        """{"data":"teacher","inputDim":8,"teachers":2,"width":48,"stepRule":"fixed","learningRate":1e6,"maxSteps":100}""",
        """{"data":"teacher","inputDim":4,"teachers":2,"width":20,"preset":"mean-field","weightDecay":0.01,"stepRule":"fixed","learningRate":1e9,"maxSteps":100}""",
    };

    [Theory]
    [MemberData(nameof(DivergingSpecs))]
    public void Far_too_large_fixed_learning_rate_ends_diverged_with_finite_metrics_of_the_last_finite_state(string json)
    {
        var result = Trainer.Run(RunSpecJson.Parse(json), KernelPath.Vector512);

        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Equal(StopReason.NonFiniteLoss, result.StopReason);
        Assert.InRange(result.Steps, 1, 100);
        AssertFinite(result.InitialTrainLoss, nameof(result.InitialTrainLoss));
        AssertFinite(result.TrainLoss, nameof(result.TrainLoss));
        AssertFinite(result.TestLoss, nameof(result.TestLoss));
        AssertFinite(result.RdW, nameof(result.RdW));
        AssertFinite(result.RdA, nameof(result.RdA));
        AssertFinite(result.KernelChange, nameof(result.KernelChange));
        AssertFinite(result.AlignmentStart, nameof(result.AlignmentStart));
        AssertFinite(result.AlignmentEnd, nameof(result.AlignmentEnd));
        AssertFinite(result.Condensation, nameof(result.Condensation));
        AssertFinite(result.FinalStepSize, nameof(result.FinalStepSize));
        Assert.All(result.LossCurve, point => AssertFinite(point.TrainLoss, "loss curve"));
        Assert.All(result.Neurons, neuron => AssertFinite(neuron.Mass, "neuron mass"));
        Assert.True(result.RdW > 1, "a diverging run moved far from its initialization");
        // The JSON form (nulls for non-finite values) must still be writable.
        Assert.Contains("\"status\":\"diverged\"", RunResultJson.Write(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"data":"luo1d","width":32,"antisymmetric":true,"lossTolerance":1e9}""")]
    [InlineData("""{"data":"teacher","inputDim":6,"teachers":2,"width":20,"preset":"mean-field","weightDecay":0.01,"lossTolerance":1e9}""")]
    [InlineData("""{"data":"teacher","inputDim":3,"teachers":1,"width":7,"alphaG":0.3,"bias":true,"lossTolerance":1e9}""")]
    public void Huge_tolerance_converges_at_step_zero_with_zero_movement_and_unchanged_kernel(string json)
    {
        var spec = RunSpecJson.Parse(json);
        foreach (var path in new[] { KernelPath.Reference, KernelPath.Scalar, KernelPath.Vector256, KernelPath.Vector512 })
        {
            var result = Trainer.Run(spec, path);

            Assert.Equal(RunStatus.Converged, result.Status);
            Assert.Equal(StopReason.LossTolerance, result.StopReason);
            Assert.Equal(0, result.Steps);
            Assert.Equal(0, result.RdW);
            Assert.Equal(0, result.RdA);
            Assert.Equal(0, result.KernelChange);
            Assert.Equal(0, result.DecayBudget);
            Assert.Equal(result.InitialTrainLoss, result.TrainLoss);
            Assert.Equal(result.AlignmentStart, result.AlignmentEnd);
            // An unmoved linearized model predicts f₀, exactly like the unmoved network.
            Assert.Equal(result.TestLoss, result.LinearizedTestLoss, 1e-9 * result.TestLoss);
            Assert.Equal(0, result.LinearizationGap, 1e-9 * result.TestLoss);
            var point = Assert.Single(result.LossCurve);
            Assert.Equal(0, point.Step);
            Assert.Equal(path, result.KernelPath);
        }
    }

    [Fact]
    public void Tiny_budget_ends_on_the_budget_with_steps_equal_to_max_steps()
    {
        foreach (var json in new[]
        {
            """{"data":"luo1d","width":16,"maxSteps":3,"lossTolerance":0}""",
            """{"data":"teacher","inputDim":4,"teachers":2,"width":16,"maxSteps":5,"lossTolerance":1e-12}""",
            """{"data":"teacher","inputDim":4,"teachers":2,"width":16,"maxSteps":1,"stepRule":"fixed","learningRate":0.01}""",
        })
        {
            var spec = RunSpecJson.Parse(json);
            var result = Trainer.Run(spec, KernelPath.Vector512);
            Assert.Equal(RunStatus.Budget, result.Status);
            Assert.Equal(StopReason.StepBudget, result.StopReason);
            Assert.Equal(spec.MaxSteps, result.Steps);
            Assert.Equal(spec.MaxSteps, result.LossCurve[^1].Step);
            Assert.Equal(result.TrainLoss, result.LossCurve[^1].TrainLoss);
        }
    }

    [Fact]
    public void Reachable_tolerance_converges_below_it()
    {
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":256,"antisymmetric":true,"lossTolerance":1e-4,"maxSteps":20000}""");
        var result = Trainer.Run(spec, KernelPath.Vector512);
        Assert.Equal(RunStatus.Converged, result.Status);
        Assert.Equal(StopReason.LossTolerance, result.StopReason);
        Assert.True(result.TrainLoss < 1e-4);
        Assert.InRange(result.Steps, 1, 19_999);
        Assert.True(result.InitialTrainLoss > result.TrainLoss);
    }

    [Theory]
    [InlineData("""{"data":"luo1d","width":64,"antisymmetric":true,"lossTolerance":1e9}""")]
    [InlineData("""{"data":"luo1d","width":512,"antisymmetric":true,"preset":"mean-field","lossTolerance":1e9}""")]
    [InlineData("""{"data":"teacher","inputDim":8,"teachers":3,"width":34,"antisymmetric":true,"gamma":1.5,"gammaPrime":0,"lossTolerance":1e9}""")]
    public void Antisymmetric_initialization_starts_from_the_zero_function(string json)
    {
        var spec = RunSpecJson.Parse(json);
        var targets = Dataset.Create(spec).TrainTargets;
        var halfMeanSquare = 0.5 * targets.Average(y => (double)y * y);
        foreach (var path in new[] { KernelPath.Reference, KernelPath.Vector512 })
        {
            var result = Trainer.Run(spec, path);
            // f₀ = Σ a_k σ_k − Σ a_k σ_k cancels up to float32 rounding of the sums (≈1e-7 of Σ|a_k σ_k|/α).
            Assert.Equal(halfMeanSquare, result.InitialTrainLoss, 1e-5 * halfMeanSquare);
        }
    }

    [Fact]
    public void Result_reports_the_resolved_scales_and_luo_coordinates()
    {
        var spec = RunSpecJson.Parse("""{"data":"luo1d","width":64,"gamma":1.25,"gammaPrime":0.5,"lossTolerance":1e9}""");
        var result = Trainer.Run(spec, KernelPath.Scalar);
        var scales = spec.Resolve();
        Assert.Equal(scales.Alpha, result.Alpha);
        Assert.Equal(scales.Beta1, result.Beta1);
        Assert.Equal(scales.Beta2, result.Beta2);
        Assert.Equal(1.25, result.Gamma, 1e-12);
        Assert.Equal(0.5, result.GammaPrime, 1e-12);
        Assert.Equal(KernelPath.Scalar, result.KernelPath);
        Assert.Equal(spec, result.Spec);
    }

    private static void AssertFinite(double value, string what) =>
        Assert.True(double.IsFinite(value), FormattableString.Invariant($"{what} is {value}"));
}
