using System.Diagnostics;
using System.Numerics.Tensors;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Linear;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Random;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>The objective: forward passes, losses, the output gradient and the adaptive step size.</summary>
public sealed partial class TrainingSession
{
    private void UpdateStepSize()
    {
        if (spec.StepRule == StepRule.Fixed || step < nextCurvatureRefresh)
        {
            return;
        }

        nextCurvatureRefresh = step + CurvatureRefreshSteps;

        // The training forward pass keeps only the ReLU pattern; the probe's NTK needs its activations.
        kernel.Forward(trainInputs, InputWeights, OutputWeights, probeOutputs.Length, paddedChannels, paddedWidth, inverseAlpha, activations, probeOutputs);
        BuildKernel(activations, trainInputs, probeCount, activations, trainInputs, probeCount, symmetric: true, probeKernel);
        var curvature = curvatureFactor * NtkGram.LargestEigenvalue(probeKernel, probeCount, powerVector, powerNext) / probeCount + spec.WeightDecay;
        // A zero curvature (a dead network) has no natural scale; fall back to the stepScale itself.
        baseStepSize = curvature > 0 && double.IsFinite(curvature) ? spec.StepScale / curvature : spec.StepScale;
        stepSize = baseStepSize * Math.Pow(0.5, halvings);
    }

    private void BuildKernel(float[] activationsA, float[] inputsA, int countA, float[] activationsB, float[] inputsB, int countB, bool symmetric, float[] destination) =>
        NtkGram.Compute(activationsA, inputsA, countA, activationsB, inputsB, countB, OutputWeights, width, paddedWidth, paddedChannels, inverseAlpha, symmetric, maskScratch, rowScratch, destination);

    /// <summary>
    /// Forward pass on the training set; sets <see cref="trainLoss"/> and <see cref="objective"/>. It keeps the ReLU
    /// pattern for the backward pass, or with <paramref name="keepActivations"/> the activations for an NTK (the
    /// outputs are the same bit for bit).
    /// </summary>
    private void EvaluateTrain(bool keepActivations = false)
    {
        if (keepActivations)
        {
            kernel.Forward(trainInputs, InputWeights, OutputWeights, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, activations, outputs);
        }
        else
        {
            kernel.ForwardPattern(trainInputs, InputWeights, OutputWeights, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, activePattern, outputs);
        }

        trainLoss = DataLoss(outputs, initialTrainOutputs, data.TrainTargets, sampleCount);
        parameterNormSquared = SumOfSquares(Master);
        objective = scales.LossScale * trainLoss + 0.5 * spec.WeightDecay * parameterNormSquared;
    }

    /// <summary>
    /// Parameters that grew by more than 10⁸ relative to their start have diverged even when every ReLU died and the
    /// loss stayed finite; float32 would soon overflow on them.
    /// </summary>
    private bool ParametersBlewUp() => !(Math.Sqrt(parameterNormSquared) <= 1e8 * (initialNorm + 1));

    private void RoundMasterToParameters() => TensorPrimitives.ConvertTruncating<double, float>(Master, Parameters);

    private void RestoreLastAccepted()
    {
        LastAcceptedMaster.CopyTo(Master);
        RoundMasterToParameters();
    }

    /// <summary>‖θ‖² in double: a float32 sum's rounding would look like the objective rising.</summary>
    private static double SumOfSquares(ReadOnlySpan<double> values) => FixedOrder.SumOfSquares(values);

    /// <summary>
    /// How much the objective may rise before a step counts as too long: float32 noise in the outputs, and the
    /// small rises of a ReLU kink crossing a data point, must not halve η.
    /// </summary>
    private static double RiseTolerance(double objective) => 1e-4 * Math.Abs(objective);

    private double EvaluateTest()
    {
        kernel.Forward(testInputs, InputWeights, OutputWeights, paddedTest, paddedChannels, paddedWidth, inverseAlpha, testActivations, testOutputs);
        return DataLoss(testOutputs, initialTestOutputs, data.TestTargets, testCount);
    }

    /// <summary>½·mean((F − y)²), F the trained function of the raw outputs f.</summary>
    private double DataLoss(ReadOnlySpan<float> rawOutputs, ReadOnlySpan<float> initialOutputs, ReadOnlySpan<float> targets, int count)
    {
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            var residual = Function(rawOutputs[i], initialOutputs[i]) - targets[i];
            sum += residual * residual;
        }

        return 0.5 * sum / count;
    }

    private double Function(double raw, double initial) => scales.Centered ? scales.OutputScale * (raw - initial) : raw;

    private void ComputeOutputGradient()
    {
        var factor = scales.LossScale * scales.OutputScale / sampleCount;
        for (var i = 0; i < sampleCount; i++)
        {
            outputGradient[i] = (float)(factor * (Function(outputs[i], initialTrainOutputs[i]) - data.TrainTargets[i]));
        }
    }
}
