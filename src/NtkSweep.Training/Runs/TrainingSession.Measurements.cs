using System.Diagnostics;
using System.Numerics.Tensors;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Linear;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Random;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>Measurements: the log-spaced loss curve and the end-of-run regime metrics.</summary>
public sealed partial class TrainingSession
{
    private void RecordCurve()
    {
        if (curveCount < CurveCapacity)
        {
            curve[curveCount++] = new LossPoint(step, trainLoss, EvaluateTest());
        }

        nextCurveStep = Math.Max(step + 1, (int)Math.Ceiling(step * 1.25));
    }

    private RunResult Finish(RunStatus status, StopReason stopReason, double initialLoss)
    {
        EvaluateTrain(keepActivations: true);
        var testLoss = EvaluateTest();

        BuildKernel(activations, trainInputs, sampleCount, activations, trainInputs, sampleCount, symmetric: true, finalKernel);
        var kernelChange = NtkGram.RelativeChange(finalKernel, initialKernel);
        var alignmentStart = NtkGram.CenteredAlignment(initialKernel, data.TrainTargets, sampleCount);
        var alignmentEnd = NtkGram.CenteredAlignment(finalKernel, data.TrainTargets, sampleCount);

        var initial = InitialParameters;
        // From the float64 master: far in the lazy regime a weight moves by less than its float32 rounding step.
        var rdA = NtkGram.RelativeChange(Master[..paddedWidth], initial[..paddedWidth]);
        var rdW = NtkGram.RelativeChange(Master[paddedWidth..], initial[paddedWidth..]);

        var linearOutputs = new double[testCount];
        linearModel.Predict(initialCrossKernel, initialTestOutputs, testCount, linearOutputs);
        double linearLoss = 0;
        double linearDistance = 0;
        for (var i = 0; i < testCount; i++)
        {
            var linearOutput = linearOutputs[i];
            var residual = linearOutput - data.TestTargets[i];
            linearLoss += residual * residual;
            var difference = Function(testOutputs[i], initialTestOutputs[i]) - linearOutput;
            linearDistance += difference * difference;
        }

        linearLoss = 0.5 * linearLoss / testCount;
        linearDistance = Math.Sqrt(linearDistance / testCount);
        var (limitDistance, limitLoss) = KernelLimitMetrics();

        var neurons = NeuronMetrics.Compute(InputWeights, OutputWeights, width, paddedWidth, channels, spec.InputDim, scales.Alpha, data.TeacherDirections, data.TeacherWeights);
        return new RunResult
        {
            Spec = spec,
            Status = status,
            StopReason = stopReason,
            Steps = step,
            RejectedSteps = rejectedSteps,
            TrainLoss = trainLoss,
            TestLoss = testLoss,
            InitialTrainLoss = initialLoss,
            RdW = rdW,
            RdA = rdA,
            KernelChange = kernelChange,
            AlignmentStart = alignmentStart,
            AlignmentEnd = alignmentEnd,
            LinearizedTestLoss = linearLoss,
            LinearizationDistance = linearDistance,
            KernelLimitDistance = limitDistance,
            KernelLimitTestLoss = limitLoss,
            FarMass = neurons.FarMass,
            TeacherClusters = neurons.Clusters,
            Condensation = neurons.Condensation,
            DecayBudget = decayBudget,
            FinalStepSize = stepSize,
            Alpha = scales.Alpha,
            Beta1 = scales.Beta1,
            Beta2 = scales.Beta2,
            Gamma = scales.Gamma(width),
            GammaPrime = scales.GammaPrime(width),
            KernelPath = kernel.Path,
            LossCurve = curve.AsSpan(0, curveCount).ToArray(),
            Neurons = neurons.Neurons,
            WallSeconds = 0,
            StepsPerSecond = 0,
        };
    }

    /// <summary>D_f and the test loss of the infinite-width predictor, or nulls where there is none.</summary>
    private (double? Distance, double? TestLoss) KernelLimitMetrics()
    {
        if (kernelLimit is null || limitCrossKernel is null)
        {
            return (null, null);
        }

        var predictions = new double[testCount];
        kernelLimit.Predict<double>(limitCrossKernel, initialTestOutputs, testCount, predictions);
        double loss = 0;
        double distance = 0;
        double labels = 0;
        for (var i = 0; i < testCount; i++)
        {
            var residual = predictions[i] - data.TestTargets[i];
            loss += residual * residual;
            var difference = Function(testOutputs[i], initialTestOutputs[i]) - predictions[i];
            distance += difference * difference;
            labels += (double)data.TestTargets[i] * data.TestTargets[i];
        }

        return (labels > 0 ? Math.Sqrt(distance / labels) : double.NaN, 0.5 * loss / testCount);
    }
}
