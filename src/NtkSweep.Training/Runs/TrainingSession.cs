using System.Diagnostics;
using System.Numerics.Tensors;
using NtkSweep.Training.Data;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Random;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>
/// One training run: allocates every buffer up front, initializes the network from the seed, runs gradient descent
/// until the loss tolerance, the step budget or a non-finite loss, and measures the regime metrics.
/// </summary>
/// <remarks>
/// Loss: LossScale·½·mean((F − y)²) + (λ/2)(‖a‖² + ‖W‖²), F = f or OutputScale·(f − f₀) (Geiger's form).
/// Adaptive step: η = stepScale / (LossScale·OutputScale²·λ_max(K_probe)/probe + λ), the curvature of the loss
/// along the NTK, with K_probe the empirical NTK of the first <see cref="ProbeSamples"/> training points, refreshed
/// every <see cref="CurvatureRefreshSteps"/> steps. A step that raises the objective by more than a relative 1e-4
/// (or makes it non-finite) is undone and η halved; η doubles back after every <see cref="RecoverySteps"/> accepted
/// steps. Rejected steps are not counted in <c>Steps</c>; 40 rejections in a row end the run (diverged if the loss
/// was non-finite, else stopped with reason stepSizeCollapse). A run diverges when its loss is non-finite or its
/// parameters grew by more than 10⁸ relative to their start.
/// The linearized model f₀ + ∇f₀·(θ − θ₀) is trained alongside with the same step sizes, exactly, in function space:
/// its parameters stay of the form θ − θ₀ = ∇f₀ᵀc + bθ₀, so each step costs one product with K₀.
/// </remarks>
public sealed class TrainingSession
{
    public const int ProbeSamples = 64;
    public const int CurvatureRefreshSteps = 50;
    private const int MaxConsecutiveRejections = 40;
    private const int RecoverySteps = 10;
    private const int MaxLinearSubsteps = 256;
    private const int CurveCapacity = 256;

    private readonly RunSpec spec;
    private readonly ITwoLayerKernel kernel;
    private readonly ResolvedParametrization scales;
    private readonly Dataset data;
    private readonly int sampleCount;
    private readonly int paddedSamples;
    private readonly int testCount;
    private readonly int paddedTest;
    private readonly int channels;
    private readonly int paddedChannels;
    private readonly int width;
    private readonly int paddedWidth;
    private readonly int parameterCount;
    private readonly int probeCount;
    private readonly float inverseAlpha;
    private readonly float weightDecay;
    private readonly double curvatureFactor;

    // One allocation for the model as the kernels see it: [parameters | gradients | initial parameters], each
    // [outputWeights: paddedWidth | inputWeights: paddedChannels × paddedWidth], float32.
    private readonly float[] arena;

    // And one for the float64 master copy of the parameters: [master | last accepted master | gradient in float64].
    // Near the lazy limit a step moves a weight by less than float32's resolution of it, so updates accumulate in
    // float64 and the kernels read the rounded copy.
    private readonly double[] masterArena;

    // [paddedSamples, paddedChannels]
    private readonly float[] trainInputs;
    // [paddedSamples, paddedWidth]
    private readonly float[] activations;
    // [paddedSamples]
    private readonly float[] outputs;
    // [paddedSamples]
    private readonly float[] outputGradient;
    // [kernel.BackwardScratchLength]
    private readonly float[] backwardScratch;
    // [paddedTest, paddedChannels]
    private readonly float[] testInputs;
    // [paddedTest, paddedWidth]
    private readonly float[] testActivations;
    // [paddedTest]
    private readonly float[] testOutputs;
    // [sampleCount], [testCount]
    private readonly float[] initialTrainOutputs;
    private readonly float[] initialTestOutputs;
    // [probeCount, probeCount]
    private readonly float[] probeKernel;
    // [max(sampleCount, testCount), width] and [width]
    private readonly float[] maskScratch;
    private readonly float[] rowScratch;
    // [sampleCount] power-iteration vectors
    private readonly float[] powerVector;
    private readonly float[] powerNext;
    // [sampleCount, sampleCount]: K₀ and, at the end, K_T
    private readonly float[] initialKernel;
    private readonly float[] finalKernel;
    // [testCount, sampleCount]: K₀(test, train)
    private readonly float[] initialCrossKernel;
    // Linearized model: θ − θ₀ = ∇f₀ᵀ·linearCoefficients + linearDecay·θ₀. [sampleCount]
    private readonly float[] linearCoefficients;
    private readonly float[] linearGradient;
    private double linearDecay;
    private double linearMaxStep;

    private readonly LossPoint[] curve = new LossPoint[CurveCapacity];
    private int curveCount;
    private int nextCurveStep;

    private int step;
    private int rejectedSteps;
    private int halvings;
    private int nextCurvatureRefresh;
    private int rejections;
    private int acceptedSinceHalving;
    private int attempts;
    private double initialTrainLoss;
    private double initialNorm;
    private double parameterNormSquared;
    // Stopwatch ticks spent on measurement rather than on gradient steps (NTK builds, linearized model, curve).
    private long metricTicks;
    private readonly double setupSeconds;
    private double baseStepSize;
    private double stepSize;
    private double decayBudget;
    private double trainLoss;
    private double objective;

    public TrainingSession(RunSpec spec, ITwoLayerKernel kernel)
    {
        var setupStart = Stopwatch.GetTimestamp();
        this.spec = spec;
        this.kernel = kernel;
        scales = spec.Resolve();
        data = Dataset.Create(spec);
        sampleCount = data.TrainCount;
        testCount = data.TestCount;
        channels = spec.InputChannels;
        width = spec.Width;
        paddedSamples = RoundUp(sampleCount, kernel.SampleBlock);
        paddedTest = RoundUp(testCount, kernel.SampleBlock);
        paddedWidth = RoundUp(width, kernel.WidthBlock);
        paddedChannels = RoundUp(channels, kernel.ChannelBlock);
        parameterCount = paddedWidth + paddedChannels * paddedWidth;
        probeCount = Math.Min(sampleCount, ProbeSamples);
        inverseAlpha = (float)(1 / scales.Alpha);
        weightDecay = (float)spec.WeightDecay;
        curvatureFactor = scales.LossScale * scales.OutputScale * scales.OutputScale;

        arena = new float[3 * parameterCount];
        masterArena = new double[3 * parameterCount];
        trainInputs = Pad(data.TrainInputs, sampleCount, paddedSamples);
        testInputs = Pad(data.TestInputs, testCount, paddedTest);
        activations = new float[paddedSamples * paddedWidth];
        outputs = new float[paddedSamples];
        outputGradient = new float[paddedSamples];
        backwardScratch = new float[kernel.BackwardScratchLength(paddedSamples, paddedChannels)];
        testActivations = new float[paddedTest * paddedWidth];
        testOutputs = new float[paddedTest];
        initialTrainOutputs = new float[sampleCount];
        initialTestOutputs = new float[testCount];
        probeKernel = new float[probeCount * probeCount];
        maskScratch = new float[Math.Max(sampleCount, testCount) * width];
        rowScratch = new float[width];
        powerVector = new float[sampleCount];
        powerNext = new float[sampleCount];
        initialKernel = new float[sampleCount * sampleCount];
        finalKernel = new float[sampleCount * sampleCount];
        initialCrossKernel = new float[testCount * sampleCount];
        linearCoefficients = new float[sampleCount];
        linearGradient = new float[sampleCount];

        Initialize();
        setupSeconds = Stopwatch.GetElapsedTime(setupStart).TotalSeconds;
    }

    public KernelPath KernelPath => kernel.Path;

    private Span<float> Parameters => arena.AsSpan(0, parameterCount);

    private Span<float> Gradients => arena.AsSpan(parameterCount, parameterCount);

    private Span<float> InitialParameters => arena.AsSpan(2 * parameterCount, parameterCount);

    private Span<double> Master => masterArena.AsSpan(0, parameterCount);

    private Span<double> LastAcceptedMaster => masterArena.AsSpan(parameterCount, parameterCount);

    private Span<double> GradientsInDouble => masterArena.AsSpan(2 * parameterCount, parameterCount);

    // [paddedWidth]
    private Span<float> OutputWeights => arena.AsSpan(0, paddedWidth);

    // [paddedChannels, paddedWidth]
    private Span<float> InputWeights => arena.AsSpan(paddedWidth, paddedChannels * paddedWidth);

    public RunResult Run(CancellationToken cancellationToken = default) => Run(null, cancellationToken);

    /// <summary>
    /// Trains to the end. With <paramref name="checkpoints"/>, hands a checkpoint to its sink every
    /// <see cref="CheckpointOptions.EverySteps"/> accepted steps, and once more when cancelled, before throwing.
    /// </summary>
    public RunResult Run(CheckpointOptions? checkpoints, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var status = RunStatus.Budget;
        var stopReason = StopReason.StepBudget;
        var lastCheckpoint = Stopwatch.GetTimestamp();
        if (curveCount == 0)
        {
            RecordCurve();
        }

        while (true)
        {
            if (spec.LossTolerance > 0 && trainLoss < spec.LossTolerance)
            {
                status = RunStatus.Converged;
                stopReason = StopReason.LossTolerance;
                break;
            }

            // Rejected attempts count against a budget of their own so that a run always ends.
            if (step >= spec.MaxSteps || attempts >= 2 * spec.MaxSteps + MaxConsecutiveRejections)
            {
                status = RunStatus.Budget;
                stopReason = StopReason.StepBudget;
                break;
            }

            if ((attempts & 63) == 0 && cancellationToken.IsCancellationRequested)
            {
                checkpoints?.Save(CaptureCheckpoint());
                cancellationToken.ThrowIfCancellationRequested();
            }

            attempts++;
            Master.CopyTo(LastAcceptedMaster);
            var previousObjective = objective;
            ComputeOutputGradient();
            kernel.Backward(trainInputs, InputWeights, OutputWeights, activations, outputGradient, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, weightDecay, backwardScratch, Gradients[paddedWidth..], Gradients[..paddedWidth]);
            UpdateStepSize();
            TensorPrimitives.ConvertChecked<float, double>(Gradients, GradientsInDouble);
            TensorPrimitives.MultiplyAdd(GradientsInDouble, -stepSize, Master, Master);
            RoundMasterToParameters();
            EvaluateTrain();

            var finite = double.IsFinite(objective) && !ParametersBlewUp();
            if (spec.StepRule == StepRule.Adaptive && (!finite || objective > previousObjective + RiseTolerance(previousObjective)))
            {
                // Undo the step, halve η, and try again from the same point.
                RestoreLastAccepted();
                EvaluateTrain();
                halvings++;
                acceptedSinceHalving = 0;
                rejectedSteps++;
                stepSize = baseStepSize * Math.Pow(0.5, halvings);
                if (++rejections > MaxConsecutiveRejections)
                {
                    status = finite ? RunStatus.Budget : RunStatus.Diverged;
                    stopReason = finite ? StopReason.StepSizeCollapse : StopReason.NonFiniteLoss;
                    break;
                }

                continue;
            }

            if (!finite)
            {
                RestoreLastAccepted();
                EvaluateTrain();
                status = RunStatus.Diverged;
                stopReason = StopReason.NonFiniteLoss;
                break;
            }

            step++;
            rejections = 0;
            if (halvings > 0 && ++acceptedSinceHalving >= RecoverySteps)
            {
                // η may grow back: a rise that forced a halving (a ReLU kink crossing a data point) is local.
                halvings--;
                acceptedSinceHalving = 0;
                stepSize = baseStepSize * Math.Pow(0.5, halvings);
            }

            var measureStart = Stopwatch.GetTimestamp();
            StepLinearModel(stepSize);
            decayBudget += spec.WeightDecay * stepSize;
            if (step >= nextCurveStep)
            {
                RecordCurve();
            }

            metricTicks += Stopwatch.GetTimestamp() - measureStart;
            // No checkpoint at the last step: the run ends there and its result is committed instead.
            if (checkpoints is not null && step % checkpoints.EverySteps == 0 && step < spec.MaxSteps
                && Stopwatch.GetElapsedTime(lastCheckpoint) >= checkpoints.MinimumInterval)
            {
                checkpoints.Save(CaptureCheckpoint());
                lastCheckpoint = Stopwatch.GetTimestamp();
            }
        }

        var trainingSeconds = clock.Elapsed.TotalSeconds;
        if (curveCount == 0 || curve[curveCount - 1].Step != step)
        {
            RecordCurve();
        }

        var finishStart = Stopwatch.GetTimestamp();
        var result = Finish(status, stopReason, initialTrainLoss);
        metricTicks += Stopwatch.GetTimestamp() - finishStart;
        return result with
        {
            WallSeconds = clock.Elapsed.TotalSeconds + setupSeconds,
            MetricSeconds = metricTicks / (double)Stopwatch.Frequency,
            StepsPerSecond = trainingSeconds > 0 ? step / trainingSeconds : 0,
        };
    }

    /// <summary>
    /// The whole mutable state of the run after its last accepted step: parameters, step-size rule, linearized model,
    /// loss curve. Everything else is rebuilt from the spec, so resuming from a checkpoint gives a result bit-identical
    /// to the uninterrupted run on the same kernel path.
    /// </summary>
    public byte[] CaptureCheckpoint()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(CheckpointMagic);
            writer.Write(spec.ToCanonicalJson());
            writer.Write((int)kernel.Path);
            writer.Write(step);
            writer.Write(rejectedSteps);
            writer.Write(halvings);
            writer.Write(acceptedSinceHalving);
            writer.Write(rejections);
            writer.Write(attempts);
            writer.Write(nextCurvatureRefresh);
            writer.Write(nextCurveStep);
            writer.Write(baseStepSize);
            writer.Write(stepSize);
            writer.Write(decayBudget);
            writer.Write(linearDecay);
            writer.Write(initialTrainLoss);
            writer.Write(curveCount);
            for (var i = 0; i < curveCount; i++)
            {
                writer.Write(curve[i].Step);
                writer.Write(curve[i].TrainLoss);
                writer.Write(curve[i].TestLoss);
            }

            WriteValues<double>(writer, Master);
            WriteValues<float>(writer, linearCoefficients);
        }

        return stream.ToArray();
    }

    /// <summary>The accepted step a checkpoint was taken at, read from its header (for logs and status).</summary>
    public static int CheckpointStep(byte[] checkpoint)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint));
            if (reader.ReadInt32() != CheckpointMagic)
            {
                throw new CheckpointMismatchException("not an NtkSweep checkpoint (or one of another format version)");
            }

            _ = reader.ReadString();
            _ = reader.ReadInt32();
            return reader.ReadInt32();
        }
        catch (EndOfStreamException error)
        {
            throw new CheckpointMismatchException("the checkpoint is truncated", error);
        }
    }

    /// <summary>Continues from a checkpoint of the same spec on the same kernel path; throws <see cref="CheckpointMismatchException"/> otherwise.</summary>
    public void RestoreCheckpoint(byte[] checkpoint)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint));
            if (reader.ReadInt32() != CheckpointMagic)
            {
                throw new CheckpointMismatchException("not an NtkSweep checkpoint (or one of another format version)");
            }

            if (reader.ReadString() != spec.ToCanonicalJson())
            {
                throw new CheckpointMismatchException("the checkpoint belongs to another run spec");
            }

            var path = (KernelPath)reader.ReadInt32();
            if (path != kernel.Path)
            {
                throw new CheckpointMismatchException($"the checkpoint was made on kernel path {path}, this session runs {kernel.Path}; resuming would not be bit-identical");
            }

            step = reader.ReadInt32();
            rejectedSteps = reader.ReadInt32();
            halvings = reader.ReadInt32();
            acceptedSinceHalving = reader.ReadInt32();
            rejections = reader.ReadInt32();
            attempts = reader.ReadInt32();
            nextCurvatureRefresh = reader.ReadInt32();
            nextCurveStep = reader.ReadInt32();
            baseStepSize = reader.ReadDouble();
            stepSize = reader.ReadDouble();
            decayBudget = reader.ReadDouble();
            linearDecay = reader.ReadDouble();
            initialTrainLoss = reader.ReadDouble();
            curveCount = reader.ReadInt32();
            if (curveCount is < 0 or > CurveCapacity)
            {
                throw new CheckpointMismatchException("the checkpoint's loss curve is malformed");
            }

            for (var i = 0; i < curveCount; i++)
            {
                curve[i] = new LossPoint(reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble());
            }

            ReadValues<double>(reader, Master);
            RoundMasterToParameters();
            ReadValues<float>(reader, linearCoefficients);
        }
        catch (EndOfStreamException error)
        {
            throw new CheckpointMismatchException("the checkpoint is truncated", error);
        }

        EvaluateTrain();
    }

    private const int CheckpointMagic = 0x324B544E; // "NTK2"

    private static void WriteValues<T>(BinaryWriter writer, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    private static void ReadValues<T>(BinaryReader reader, Span<T> destination)
        where T : unmanaged
    {
        if (reader.ReadInt32() != destination.Length)
        {
            throw new CheckpointMismatchException("the checkpoint's buffers do not match this run's shapes");
        }

        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (reader.Read(bytes) != bytes.Length)
        {
            throw new EndOfStreamException();
        }
    }

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
        metricTicks += Stopwatch.GetTimestamp() - metricStart;
        var linearCurvature = curvatureFactor * NtkGram.LargestEigenvalue(initialKernel, sampleCount, powerVector, powerNext) / sampleCount + spec.WeightDecay;
        linearMaxStep = linearCurvature > 0 ? 1.9 / linearCurvature : double.PositiveInfinity;

        EvaluateTrain();
        initialTrainLoss = trainLoss;
        stepSize = spec.StepRule == StepRule.Fixed ? spec.LearningRate : 0;
        nextCurveStep = 0;
    }

    private void UpdateStepSize()
    {
        if (spec.StepRule == StepRule.Fixed || step < nextCurvatureRefresh)
        {
            return;
        }

        nextCurvatureRefresh = step + CurvatureRefreshSteps;

        BuildKernel(activations, trainInputs, probeCount, activations, trainInputs, probeCount, symmetric: true, probeKernel);
        var curvature = curvatureFactor * NtkGram.LargestEigenvalue(probeKernel, probeCount, powerVector, powerNext) / probeCount + spec.WeightDecay;
        // A zero curvature (a dead network) has no natural scale; fall back to the stepScale itself.
        baseStepSize = curvature > 0 && double.IsFinite(curvature) ? spec.StepScale / curvature : spec.StepScale;
        stepSize = baseStepSize * Math.Pow(0.5, halvings);
    }

    private void BuildKernel(float[] activationsA, float[] inputsA, int countA, float[] activationsB, float[] inputsB, int countB, bool symmetric, float[] destination) =>
        NtkGram.Compute(activationsA, inputsA, countA, activationsB, inputsB, countB, OutputWeights, width, paddedWidth, paddedChannels, inverseAlpha, symmetric, maskScratch, rowScratch, destination);

    /// <summary>Forward pass on the training set; sets <see cref="trainLoss"/> and <see cref="objective"/>.</summary>
    private void EvaluateTrain()
    {
        kernel.Forward(trainInputs, InputWeights, OutputWeights, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, activations, outputs);
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
    private static double SumOfSquares(ReadOnlySpan<double> values) => TensorPrimitives.SumOfSquares(values);

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

    private void StepLinearModel(double eta)
    {
        var substeps = Math.Clamp((int)Math.Ceiling(eta / linearMaxStep), 1, MaxLinearSubsteps);
        var h = eta / substeps;
        var shrink = (float)(1 - h * spec.WeightDecay);
        var factor = scales.LossScale * scales.OutputScale / sampleCount;
        for (var s = 0; s < substeps; s++)
        {
            for (var i = 0; i < sampleCount; i++)
            {
                var output = LinearOutput(initialKernel.AsSpan(i * sampleCount, sampleCount), initialTrainOutputs[i]);
                linearGradient[i] = (float)(factor * (output - data.TrainTargets[i]));
            }

            TensorPrimitives.Multiply(linearCoefficients, shrink, linearCoefficients);
            TensorPrimitives.MultiplyAdd(linearGradient, (float)-h, linearCoefficients, linearCoefficients);
            linearDecay = (1 - h * spec.WeightDecay) * linearDecay - h * spec.WeightDecay;
        }
    }

    /// <summary>
    /// F of the linearized model at one input: J₀(x)·(θ − θ₀) = K₀(x, X)·c + b·J₀(x)·θ₀, and J₀(x)·θ₀ = 2f₀(x) because the
    /// network is positively 2-homogeneous in its parameters.
    /// </summary>
    private double LinearOutput(ReadOnlySpan<float> kernelRow, double initialOutput)
    {
        var movement = TensorPrimitives.Dot(kernelRow, linearCoefficients) + 2 * linearDecay * initialOutput;
        return scales.Centered ? scales.OutputScale * movement : initialOutput + movement;
    }

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
        EvaluateTrain();
        var testLoss = EvaluateTest();

        BuildKernel(activations, trainInputs, sampleCount, activations, trainInputs, sampleCount, symmetric: true, finalKernel);
        var kernelChange = NtkGram.RelativeChange(finalKernel, initialKernel);
        var alignmentStart = NtkGram.CenteredAlignment(initialKernel, data.TrainTargets, sampleCount);
        var alignmentEnd = NtkGram.CenteredAlignment(finalKernel, data.TrainTargets, sampleCount);

        var initial = InitialParameters;
        // From the float64 master: far in the lazy regime a weight moves by less than its float32 rounding step.
        var rdA = NtkGram.RelativeChange(Master[..paddedWidth], initial[..paddedWidth]);
        var rdW = NtkGram.RelativeChange(Master[paddedWidth..], initial[paddedWidth..]);

        double linearLoss = 0;
        double linearDistance = 0;
        for (var i = 0; i < testCount; i++)
        {
            var linearOutput = LinearOutput(initialCrossKernel.AsSpan(i * sampleCount, sampleCount), initialTestOutputs[i]);
            var residual = linearOutput - data.TestTargets[i];
            linearLoss += residual * residual;
            var difference = Function(testOutputs[i], initialTestOutputs[i]) - linearOutput;
            linearDistance += difference * difference;
        }

        linearLoss = 0.5 * linearLoss / testCount;
        linearDistance = Math.Sqrt(linearDistance / testCount);

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
