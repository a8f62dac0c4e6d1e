using System.Diagnostics;
using NtkSweep.Training.Data;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Linear;
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
/// The linearized model f₀ + ∇f₀·(θ − θ₀) is trained alongside with the same step sizes, exactly, in the eigenbasis
/// of K₀ (<see cref="KernelTrajectory"/>): one eigendecomposition per run, O(n) per step; so is the infinite-width
/// NTK predictor (without weight decay), from the closed-form Θ of <see cref="InfiniteWidthKernel"/>.
/// The parts live in partial files by concern: this one the buffers and the step loop, Setup (initialization),
/// Objective (forward passes, losses, step size), Measurements (loss curve and the end-of-run metrics) and
/// Checkpoint (the binary codec).
/// </remarks>
public sealed partial class TrainingSession
{
    public const int ProbeSamples = 64;
    public const int CurvatureRefreshSteps = 50;
    private const int MaxConsecutiveRejections = 40;
    private const int RecoverySteps = 10;
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

    // And one for the float64 master copy of the parameters: [master | last accepted master].
    // Near the lazy limit a step moves a weight by less than float32's resolution of it, so updates accumulate in
    // float64 and the kernels read the rounded copy.
    private readonly double[] masterArena;

    // [paddedSamples, paddedChannels]
    private readonly float[] trainInputs;
    // [paddedSamples, paddedWidth]: for the kernel measurements (K₀, the probe's K, K_T); the step needs only the pattern.
    private readonly float[] activations;
    // [paddedWidth / kernel.WidthBlock, paddedSamples]: which ReLUs are on, from the last training forward pass
    private readonly uint[] activePattern;
    // [paddedProbe]: outputs of the probe's forward pass, apart from the training outputs
    private readonly float[] probeOutputs;
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
    // [max(sampleCount, testCount), width] and [NtkGram.RowBlock, width]
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
    // The linearized model, built from K₀ at setup.
    private KernelTrajectory linearModel = null!;
    // The infinite-width NTK predictor (null with weight decay) and Θ(test, train). [testCount, sampleCount]
    private KernelTrajectory? kernelLimit;
    private double[]? limitCrossKernel;

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
        masterArena = new double[2 * parameterCount];
        trainInputs = Pad(data.TrainInputs, sampleCount, paddedSamples);
        testInputs = Pad(data.TestInputs, testCount, paddedTest);
        activations = new float[paddedSamples * paddedWidth];
        activePattern = new uint[kernel.PatternLength(paddedSamples, paddedWidth)];
        probeOutputs = new float[RoundUp(probeCount, kernel.SampleBlock)];
        outputs = new float[paddedSamples];
        outputGradient = new float[paddedSamples];
        backwardScratch = new float[kernel.BackwardScratchLength(paddedSamples, paddedChannels, paddedWidth)];
        testActivations = new float[paddedTest * paddedWidth];
        testOutputs = new float[paddedTest];
        initialTrainOutputs = new float[sampleCount];
        initialTestOutputs = new float[testCount];
        probeKernel = new float[probeCount * probeCount];
        maskScratch = new float[Math.Max(sampleCount, testCount) * width];
        rowScratch = new float[NtkGram.RowBlock * width];
        powerVector = new float[sampleCount];
        powerNext = new float[sampleCount];
        initialKernel = new float[sampleCount * sampleCount];
        finalKernel = new float[sampleCount * sampleCount];
        initialCrossKernel = new float[testCount * sampleCount];

        Initialize();
        setupSeconds = Stopwatch.GetElapsedTime(setupStart).TotalSeconds;
    }

    public KernelPath KernelPath => kernel.Path;

    /// <summary>K₀, the empirical NTK at initialization on the training set ([sampleCount, sampleCount]), for tests.</summary>
    internal ReadOnlySpan<float> InitialNtk => initialKernel;

    private Span<float> Parameters => arena.AsSpan(0, parameterCount);

    private Span<float> Gradients => arena.AsSpan(parameterCount, parameterCount);

    private Span<float> InitialParameters => arena.AsSpan(2 * parameterCount, parameterCount);

    private Span<double> Master => masterArena.AsSpan(0, parameterCount);

    private Span<double> LastAcceptedMaster => masterArena.AsSpan(parameterCount, parameterCount);

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
            var previousObjective = objective;
            ComputeOutputGradient();
            kernel.Backward(trainInputs, InputWeights, OutputWeights, activePattern, outputGradient, paddedSamples, paddedChannels, paddedWidth, inverseAlpha, weightDecay, backwardScratch, Gradients[paddedWidth..], Gradients[..paddedWidth]);
            UpdateStepSize();
            MasterUpdate.Apply(Gradients, stepSize, Master, LastAcceptedMaster, Parameters);
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
            linearModel.Step(stepSize);
            kernelLimit?.Step(stepSize);
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
}
