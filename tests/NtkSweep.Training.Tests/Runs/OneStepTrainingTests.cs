using NtkSweep.Training.Data;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Random;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Runs;

/// <summary>
/// End to end, for every parametrization form: one fixed-rate step of the trainer against the same step computed in
/// float64 from the loss of SCIENCE.md §3 (LossScale·½·mean((F − y)²) + (λ/2)‖θ‖², F = f or α_G·(f − f₀)). The
/// movement (RD_w, RD_a), the new train loss and the linearized model's test loss all depend on the gradient's scale
/// and direction, so a wrong α, β, loss scale, output scale or decay term shows up here.
/// </summary>
public sealed class OneStepTrainingTests
{
    public static TheoryData<string, string, KernelPath> Cases()
    {
        var data = new TheoryData<string, string, KernelPath>();
        string[] parametrizations =
        [
            """ "preset":"ntk" """,
            """ "preset":"mean-field" """,
            """ "preset":"xavier" """,
            """ "preset":"lecun" """,
            """ "preset":"he" """,
            """ "gamma":1.25,"gammaPrime":0.3 """,
            """ "alphaG":0.1 """,
            """ "alphaG":10 """,
            """ "alpha":3,"beta1":0.7,"beta2":1.3 """,
        ];
        string[] tasks =
        [
            """ "data":"teacher","inputDim":5,"teachers":2,"bias":true,"trainSamples":13,"testSamples":11,"width":10,"weightDecay":0.01 """,
            """ "data":"luo1d","width":12,"antisymmetric":true,"testSamples":9 """,
        ];
        foreach (var task in tasks)
        {
            foreach (var parametrization in parametrizations)
            {
                foreach (var path in new[] { KernelPath.Reference, KernelPath.Vector512 })
                {
                    data.Add(task, parametrization, path);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_fixed_step_matches_the_float64_gradient_step(string task, string parametrization, KernelPath path)
    {
        var probe = RunSpecJson.Parse($"{{{task},{parametrization},\"seed\":21}}");
        var model = ReferenceModel.Create(probe);
        var learningRate = model.SafeLearningRate();
        var spec = RunSpecJson.Parse(FormattableString.Invariant($"{{{task},{parametrization},\"seed\":21,\"stepRule\":\"fixed\",\"learningRate\":{learningRate:R},\"maxSteps\":1,\"lossTolerance\":0}}"));

        var result = Trainer.Run(spec, path);

        Assert.Equal(RunStatus.Budget, result.Status);
        Assert.Equal(1, result.Steps);
        AssertRelative(model.InitialTrainLoss, result.InitialTrainLoss, 1e-5, "initial train loss");
        AssertRelative(learningRate * model.InputGradientNorm / model.InputWeightNorm, result.RdW, 1e-4, "RD_w");
        AssertRelative(learningRate * model.OutputGradientNorm / model.OutputWeightNorm, result.RdA, 1e-4, "RD_a");
        AssertRelative(model.TrainLossAfterStep(learningRate), result.TrainLoss, 1e-4, "train loss after one step");
        AssertRelative(model.LinearizedTestLossAfterStep(learningRate), result.LinearizedTestLoss, 1e-4, "linearized test loss after one step");
        AssertRelative(spec.WeightDecay * learningRate, result.DecayBudget, 1e-12, "decay budget");
        Assert.True(model.TrainLossAfterStep(learningRate) < model.InitialTrainLoss || spec.WeightDecay > 0, "a descent step on the data loss");
    }

    private static void AssertRelative(double expected, double actual, double relative, string what)
    {
        var tolerance = relative * Math.Abs(expected) + 1e-12;
        Assert.True(
            Math.Abs(expected - actual) <= tolerance,
            FormattableString.Invariant($"{what}: float64 step gives {expected:R}, trainer {actual:R} (tolerance {tolerance:g3})"));
    }

    /// <summary>The run's network at initialization and its loss gradient, in float64.</summary>
    private sealed class ReferenceModel
    {
        private readonly RunSpec spec;
        private readonly ResolvedParametrization scales;
        private readonly Dataset data;
        private readonly int channels;
        private readonly int width;
        private readonly double[] trainInputs;
        private readonly double[] testInputs;
        private readonly double[] outputWeights;
        private readonly double[] inputWeights;
        private readonly double[] outputGradient;
        private readonly double[] inputGradient;
        private readonly double[] initialTrainOutputs;
        private readonly double[] initialTestOutputs;

        private ReferenceModel(RunSpec spec)
        {
            this.spec = spec;
            scales = spec.Resolve();
            data = Dataset.Create(spec);
            channels = spec.InputChannels;
            width = spec.Width;
            trainInputs = data.TrainInputs.Select(v => (double)v).ToArray();
            testInputs = data.TestInputs.Select(v => (double)v).ToArray();
            (outputWeights, inputWeights) = InitialParameters(spec, scales);
            initialTrainOutputs = Outputs(trainInputs, data.TrainCount, outputWeights, inputWeights);
            initialTestOutputs = Outputs(testInputs, data.TestCount, outputWeights, inputWeights);

            // ∂L/∂f_i = LossScale·OutputScale·(F_i − y_i)/n, then the reference backward pass (checked against finite
            // differences in ReferenceKernelGradientTests) carries it to the parameters with the decay term.
            var n = data.TrainCount;
            var dLossdOutput = new double[n];
            for (var i = 0; i < n; i++)
            {
                dLossdOutput[i] = scales.LossScale * scales.OutputScale * (Function(initialTrainOutputs[i], initialTrainOutputs[i]) - data.TrainTargets[i]) / n;
            }

            var activations = new double[n * width];
            ReferenceKernel<double>.Forward(trainInputs, inputWeights, outputWeights, n, channels, width, 1 / scales.Alpha, activations, new double[n]);
            outputGradient = new double[width];
            inputGradient = new double[channels * width];
            ReferenceKernel<double>.Backward(trainInputs, inputWeights, outputWeights, activations, dLossdOutput, n, channels, width, 1 / scales.Alpha, spec.WeightDecay, inputGradient, outputGradient);
            InitialTrainLoss = Loss(initialTrainOutputs, initialTrainOutputs, data.TrainTargets);
        }

        public double InitialTrainLoss { get; }

        public double InputGradientNorm => Norm(inputGradient);

        public double OutputGradientNorm => Norm(outputGradient);

        public double InputWeightNorm => Norm(inputWeights);

        public double OutputWeightNorm => Norm(outputWeights);

        public static ReferenceModel Create(RunSpec spec) => new(spec);

        /// <summary>
        /// A step that moves the parameters by about 5%, and stays below half the inverse curvature bound
        /// trace(K)·LossScale·OutputScale²/n + λ ≥ λ_max, so that the trainer steps its linearized model in one
        /// sub-step and the comparison is exact.
        /// </summary>
        public double SafeLearningRate()
        {
            var parameterNorm = Math.Sqrt(InputWeightNorm * InputWeightNorm + OutputWeightNorm * OutputWeightNorm);
            var gradientNorm = Math.Sqrt(InputGradientNorm * InputGradientNorm + OutputGradientNorm * OutputGradientNorm);
            double trace = 0;
            for (var i = 0; i < data.TrainCount; i++)
            {
                trace += TangentKernel(trainInputs, i, trainInputs, i);
            }

            var curvatureBound = trace * scales.LossScale * scales.OutputScale * scales.OutputScale / data.TrainCount + spec.WeightDecay;
            return Math.Min(0.05 * parameterNorm / gradientNorm, 0.5 / curvatureBound);
        }

        public double TrainLossAfterStep(double learningRate)
        {
            var (a, w) = Stepped(learningRate);
            return Loss(Outputs(trainInputs, data.TrainCount, a, w), initialTrainOutputs, data.TrainTargets);
        }

        /// <summary>f₀ + J₀·(θ₁ − θ₀) on the test set: after one step the linearized model moved exactly like the net's first step.</summary>
        public double LinearizedTestLossAfterStep(double learningRate)
        {
            var linear = new double[data.TestCount];
            for (var s = 0; s < data.TestCount; s++)
            {
                linear[s] = initialTestOutputs[s] - learningRate * JacobianTimesGradient(testInputs, s);
            }

            return Loss(linear, initialTestOutputs, data.TestTargets);
        }

        private static (double[] A, double[] W) InitialParameters(RunSpec spec, ResolvedParametrization scales)
        {
            // Mirrors TrainingSession.Initialize: the Initialization stream, neuron by neuron, a_k then w_k, each
            // rounded to float32; antisymmetric runs mirror the first half with output −a.
            var rng = Xoshiro256.ForStream(spec.Seed, RandomStream.Initialization);
            var width = spec.Width;
            var channels = spec.InputChannels;
            var a = new double[width];
            var w = new double[channels * width];
            var independent = spec.Antisymmetric ? width / 2 : width;
            for (var k = 0; k < independent; k++)
            {
                a[k] = (float)(scales.Beta1 * rng.NextGaussian());
                for (var j = 0; j < channels; j++)
                {
                    w[j * width + k] = (float)(scales.Beta2 * rng.NextGaussian());
                }
            }

            for (var k = independent; k < width; k++)
            {
                a[k] = -a[k - independent];
                for (var j = 0; j < channels; j++)
                {
                    w[j * width + k] = w[j * width + k - independent];
                }
            }

            return (a, w);
        }

        private (double[] A, double[] W) Stepped(double learningRate)
        {
            var a = outputWeights.Select((value, k) => value - learningRate * outputGradient[k]).ToArray();
            var w = inputWeights.Select((value, p) => value - learningRate * inputGradient[p]).ToArray();
            return (a, w);
        }

        private double[] Outputs(double[] inputs, int count, double[] a, double[] w)
        {
            var outputs = new double[count];
            ReferenceKernel<double>.Forward(inputs, w, a, count, channels, width, 1 / scales.Alpha, new double[count * width], outputs);
            return outputs;
        }

        private double Function(double raw, double initial) => scales.Centered ? scales.OutputScale * (raw - initial) : raw;

        private double Loss(double[] rawOutputs, double[] initialOutputs, float[] targets)
        {
            double sum = 0;
            for (var i = 0; i < targets.Length; i++)
            {
                var residual = Function(rawOutputs[i], initialOutputs[i]) - targets[i];
                sum += residual * residual;
            }

            return 0.5 * sum / targets.Length;
        }

        private double PreActivation(double[] inputs, int sample, int neuron)
        {
            double sum = 0;
            for (var j = 0; j < channels; j++)
            {
                sum += inputs[sample * channels + j] * inputWeights[j * width + neuron];
            }

            return sum;
        }

        /// <summary>∂f(x)/∂θ · ∇_θL at θ₀: the directional derivative of the raw network along the gradient.</summary>
        private double JacobianTimesGradient(double[] inputs, int sample)
        {
            double sum = 0;
            for (var k = 0; k < width; k++)
            {
                var z = PreActivation(inputs, sample, k);
                sum += outputGradient[k] * Math.Max(0, z);
                if (z > 0)
                {
                    double directional = 0;
                    for (var j = 0; j < channels; j++)
                    {
                        directional += inputs[sample * channels + j] * inputGradient[j * width + k];
                    }

                    sum += outputWeights[k] * directional;
                }
            }

            return sum / scales.Alpha;
        }

        private double TangentKernel(double[] inputsA, int a, double[] inputsB, int b)
        {
            double inputProduct = 0;
            for (var j = 0; j < channels; j++)
            {
                inputProduct += inputsA[a * channels + j] * inputsB[b * channels + j];
            }

            double sum = 0;
            for (var k = 0; k < width; k++)
            {
                var za = PreActivation(inputsA, a, k);
                var zb = PreActivation(inputsB, b, k);
                sum += Math.Max(0, za) * Math.Max(0, zb);
                if (za > 0 && zb > 0)
                {
                    sum += inputProduct * outputWeights[k] * outputWeights[k];
                }
            }

            return sum / (scales.Alpha * scales.Alpha);
        }

        private static double Norm(double[] values) => Math.Sqrt(values.Sum(v => v * v));
    }
}
