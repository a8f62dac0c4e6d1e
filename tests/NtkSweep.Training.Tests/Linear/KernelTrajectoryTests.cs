using NtkSweep.Training.Linear;

namespace NtkSweep.Training.Tests.Linear;

/// <summary>The eigenbasis trajectory against the explicit step-by-step function-space iteration it replaces.</summary>
public sealed class KernelTrajectoryTests
{
    private const int Samples = 24;
    private const int TestSamples = 9;
    private const int Features = 10;

    [Theory]
    [InlineData(false, 1.0, 0.0)]
    [InlineData(false, 1.0, 0.02)]
    [InlineData(true, 0.3, 0.0)]
    [InlineData(true, 4.0, 0.05)]
    public void Eigenbasis_trajectory_equals_the_explicit_iteration_for_a_varying_step_sequence(bool centered, double outputScale, double weightDecay)
    {
        var random = new System.Random(11);
        var (kernel, crossKernel) = GramMatrices(random);
        var initial = Values(random, Samples);
        var targets = Values(random, Samples);
        var testInitial = Values(random, TestSamples);
        var lossScale = centered ? 1 / (outputScale * outputScale) : 1;
        var trajectory = new KernelTrajectory(SpectralBasis.Decompose<float>(kernel, Samples), initial, targets, lossScale, outputScale, centered, weightDecay);
        var reference = new ExplicitIteration(kernel, initial, targets, lossScale, centered ? outputScale : 1, centered, weightDecay);

        // Steps from a tenth of the stability limit to five times it (those are split into substeps).
        var limit = 1.9 / (lossScale * (centered ? outputScale * outputScale : 1) * reference.LargestEigenvalue / Samples + weightDecay);
        Assert.Equal(reference.LargestEigenvalue, trajectory.LargestEigenvalue, 1e-9 * reference.LargestEigenvalue);
        for (var step = 0; step < 300; step++)
        {
            var stepSize = step % 50 == 49 ? 5.2 * limit : limit * (0.1 + 0.8 * (step % 7) / 7.0);
            trajectory.Step(stepSize);
            reference.Step(stepSize, limit);
        }

        var expected = reference.Predict(crossKernel, testInitial);
        var actual = new double[TestSamples];
        trajectory.Predict(crossKernel, testInitial, TestSamples, actual);
        var scale = expected.Max(Math.Abs);
        for (var i = 0; i < TestSamples; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9 * scale, $"test output {i}: {actual[i]} against {expected[i]}");
        }

        Assert.Equal(reference.TrainLoss(), trajectory.TrainLoss(), 1e-9 * reference.TrainLoss());
        Assert.Equal(reference.Decay, trajectory.Decay, 1e-12);
    }

    [Fact]
    public void Trajectory_without_steps_predicts_the_initial_function()
    {
        var random = new System.Random(5);
        var (kernel, crossKernel) = GramMatrices(random);
        var initial = Values(random, Samples);
        var testInitial = Values(random, TestSamples);
        var trajectory = new KernelTrajectory(SpectralBasis.Decompose<float>(kernel, Samples), initial, Values(random, Samples), 1, 1, false, 0);
        var outputs = new double[TestSamples];
        trajectory.Predict(crossKernel, testInitial, TestSamples, outputs);
        Assert.Equal(testInitial.Select(value => (double)value), outputs);
    }

    private static (float[] Kernel, float[] CrossKernel) GramMatrices(System.Random random)
    {
        // K = J·Jᵀ and K(x, X) = J(x)·Jᵀ: positive semi-definite, rank 10 of 24, like an NTK with few parameters.
        var train = Enumerable.Range(0, Samples * Features).Select(_ => random.NextDouble() - 0.5).ToArray();
        var test = Enumerable.Range(0, TestSamples * Features).Select(_ => random.NextDouble() - 0.5).ToArray();
        float[] Product(double[] left, int rows)
        {
            var result = new float[rows * Samples];
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < Samples; j++)
                {
                    double sum = 0;
                    for (var f = 0; f < Features; f++)
                    {
                        sum += left[i * Features + f] * train[j * Features + f];
                    }

                    result[i * Samples + j] = (float)sum;
                }
            }

            return result;
        }

        return (Product(train, Samples), Product(test, TestSamples));
    }

    private static float[] Values(System.Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    /// <summary>c and b stepped directly: one product with K per substep, O(n²).</summary>
    private sealed class ExplicitIteration(float[] kernel, float[] initial, float[] targets, double lossScale, double outputScale, bool centered, double weightDecay)
    {
        private readonly double[] coefficients = new double[Samples];

        public double Decay { get; private set; }

        public double LargestEigenvalue { get; } = PowerIteration(kernel);

        public void Step(double stepSize, double limit)
        {
            var substeps = Math.Clamp((int)Math.Ceiling(stepSize / limit), 1, 256);
            var h = stepSize / substeps;
            for (var s = 0; s < substeps; s++)
            {
                var outputs = TrainOutputs();
                for (var i = 0; i < Samples; i++)
                {
                    var gradient = lossScale * outputScale / Samples * (outputs[i] - targets[i]);
                    coefficients[i] = (1 - h * weightDecay) * coefficients[i] - h * gradient;
                }

                Decay = (1 - h * weightDecay) * Decay - h * weightDecay;
            }
        }

        public double TrainLoss() => 0.5 * TrainOutputs().Select((output, i) => (output - targets[i]) * (output - targets[i])).Sum() / Samples;

        public double[] Predict(float[] crossKernel, float[] testInitial) =>
            Enumerable.Range(0, TestSamples).Select(i => Output(crossKernel.AsSpan(i * Samples, Samples), testInitial[i])).ToArray();

        private double[] TrainOutputs() => Enumerable.Range(0, Samples).Select(i => Output(kernel.AsSpan(i * Samples, Samples), initial[i])).ToArray();

        private double Output(ReadOnlySpan<float> row, double initialOutput)
        {
            double movement = 0;
            for (var j = 0; j < Samples; j++)
            {
                movement += row[j] * coefficients[j];
            }

            movement += 2 * Decay * initialOutput;
            return centered ? outputScale * movement : initialOutput + movement;
        }

        private static double PowerIteration(float[] matrix)
        {
            var vector = Enumerable.Repeat(1.0, Samples).ToArray();
            double value = 0;
            for (var iteration = 0; iteration < 2000; iteration++)
            {
                var next = new double[Samples];
                for (var i = 0; i < Samples; i++)
                {
                    for (var j = 0; j < Samples; j++)
                    {
                        next[i] += matrix[i * Samples + j] * vector[j];
                    }
                }

                value = Math.Sqrt(next.Sum(x => x * x));
                vector = next.Select(x => x / value).ToArray();
            }

            return value;
        }
    }
}
