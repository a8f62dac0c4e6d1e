using System.Diagnostics;
using System.Numerics.Tensors;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Linear;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Random;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>Setup: the initial network from the seed, f₀, K₀ and the linearized model built from it.</summary>
public sealed partial class TrainingSession
{
    private void Initialize()
    {
        // Initialization has its own stream, so changing the width never changes the data.
        var rng = Xoshiro256.ForStream(spec.Seed, RandomStream.Initialization);
        var a = OutputWeights;
        var w = InputWeights;
        var independent = spec.Antisymmetric ? width / 2 : width;
        for (var k = 0; k < independent; k++)
        {
            a[k] = (float)(scales.Beta1 * rng.NextGaussian());
            for (var j = 0; j < channels; j++)
            {
                w[j * paddedWidth + k] = (float)(scales.Beta2 * rng.NextGaussian());
            }
        }

        if (spec.Antisymmetric)
        {
            // Neuron k + m/2 mirrors neuron k with output −a_k, so f₀ ≡ 0.
            for (var k = 0; k < independent; k++)
            {
                a[independent + k] = -a[k];
                for (var j = 0; j < channels; j++)
                {
                    w[j * paddedWidth + independent + k] = w[j * paddedWidth + k];
                }
            }
        }

        Parameters.CopyTo(InitialParameters);
        TensorPrimitives.ConvertChecked<float, double>(Parameters, Master);
        initialNorm = Math.Sqrt(SumOfSquares(Master));

        kernel.Forward(trainInputs, InputWeights, OutputWeights, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, activations, outputs);
        outputs.AsSpan(0, sampleCount).CopyTo(initialTrainOutputs);
        EvaluateTest();
        testOutputs.AsSpan(0, testCount).CopyTo(initialTestOutputs);

        var metricStart = Stopwatch.GetTimestamp();
        BuildKernel(activations, trainInputs, sampleCount, activations, trainInputs, sampleCount, symmetric: true, initialKernel);
        BuildKernel(testActivations, testInputs, testCount, activations, trainInputs, sampleCount, symmetric: false, initialCrossKernel);
        linearModel = new KernelTrajectory(SpectralBasis.Decompose<float>(initialKernel, sampleCount), initialTrainOutputs, data.TrainTargets, scales.LossScale, scales.OutputScale, scales.Centered, spec.WeightDecay);
        if (spec.WeightDecay == 0)
        {
            // The infinite-width NTK, on the training set and from the test set to it; decay toward 0 has no such limit.
            var limitKernel = new double[sampleCount * sampleCount];
            InfiniteWidthKernel.Ntk(trainInputs, sampleCount, trainInputs, sampleCount, channels, paddedChannels, scales, width, limitKernel);
            limitCrossKernel = new double[testCount * sampleCount];
            InfiniteWidthKernel.Ntk(testInputs, testCount, trainInputs, sampleCount, channels, paddedChannels, scales, width, limitCrossKernel);
            kernelLimit = new KernelTrajectory(SpectralBasis.Decompose<double>(limitKernel, sampleCount), initialTrainOutputs, data.TrainTargets, scales.LossScale, scales.OutputScale, scales.Centered, 0);
        }
        metricTicks += Stopwatch.GetTimestamp() - metricStart;

        EvaluateTrain();
        initialTrainLoss = trainLoss;
        stepSize = spec.StepRule == StepRule.Fixed ? spec.LearningRate : 0;
        nextCurveStep = 0;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Copies [count, channels] rows into zeroed [paddedCount, paddedChannels] storage.</summary>
    private float[] Pad(float[] rows, int count, int paddedCount)
    {
        var padded = new float[paddedCount * paddedChannels];
        for (var i = 0; i < count; i++)
        {
            rows.AsSpan(i * channels, channels).CopyTo(padded.AsSpan(i * paddedChannels));
        }

        return padded;
    }
}
