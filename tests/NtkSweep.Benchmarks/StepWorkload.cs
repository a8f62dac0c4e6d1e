using System.Numerics.Tensors;
using NtkSweep.Training.Kernels;

namespace NtkSweep.Benchmarks;

/// <summary>
/// One full-batch gradient step of the two-layer net on random data, with every buffer allocated up front:
/// forward, output gradient, backward, update. The unit every speed figure of NtkSweep is measured in
/// (4·n·d·m flops per step by convention).
/// </summary>
internal sealed class StepWorkload
{
    private readonly ITwoLayerKernel kernel;
    private readonly int samples;
    private readonly int channels;
    private readonly int width;
    // [samples, channels]
    private readonly float[] inputs;
    // [samples]
    private readonly float[] targets;
    // [width + channels·width] parameters, then the same for gradients
    private readonly float[] parameters;
    private readonly float[] gradients;
    // [samples, width]
    private readonly float[] activations;
    // [width / kernel.WidthBlock, samples]
    private readonly uint[] activePattern;
    // [samples]
    private readonly float[] outputs;
    private readonly float[] outputGradient;
    // backward scratch
    private readonly float[] scaled;

    public StepWorkload(KernelPath path, int sampleCount, int inputDim, int width)
    {
        kernel = KernelFactory.Create(path);
        samples = RoundUp(sampleCount, kernel.SampleBlock);
        channels = RoundUp(inputDim, kernel.ChannelBlock);
        this.width = RoundUp(width, kernel.WidthBlock);
        var random = new System.Random(1234);
        inputs = new float[samples * channels];
        for (var i = 0; i < sampleCount; i++)
        {
            for (var j = 0; j < inputDim; j++)
            {
                inputs[i * channels + j] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        targets = new float[samples];
        for (var i = 0; i < sampleCount; i++)
        {
            targets[i] = (float)random.NextDouble();
        }

        parameters = new float[this.width + channels * this.width];
        for (var k = 0; k < width; k++)
        {
            parameters[k] = (float)(random.NextDouble() - 0.5);
            for (var j = 0; j < inputDim; j++)
            {
                parameters[this.width + j * this.width + k] = (float)(random.NextDouble() - 0.5) / MathF.Sqrt(channels);
            }
        }

        gradients = new float[parameters.Length];
        activations = new float[samples * this.width];
        activePattern = new uint[kernel.PatternLength(samples, this.width)];
        outputs = new float[samples];
        outputGradient = new float[samples];
        scaled = new float[kernel.BackwardScratchLength(samples, channels, this.width)];
        SampleCount = sampleCount;
        InputDim = inputDim;
        Width = width;
        // Real pattern and output gradient, so that a backward pass timed alone reads what a step gives it.
        ForwardPattern();
        TensorPrimitives.Subtract(outputs, targets, outputGradient);
        TensorPrimitives.Multiply(outputGradient, 1f / SampleCount, outputGradient);
    }

    public int SampleCount { get; }

    public int InputDim { get; }

    public int Width { get; }

    public double FlopsPerStep => 4.0 * SampleCount * InputDim * Width;

    /// <summary>The forward pass that keeps the activations, as the measurements use it.</summary>
    public void Forward()
    {
        var outputWeights = parameters.AsSpan(0, width);
        kernel.Forward(inputs, parameters.AsSpan(width), outputWeights, samples, channels, width, 1f / MathF.Sqrt(width), activations, outputs);
    }

    /// <summary>The forward pass of a training step: outputs and the ReLU pattern.</summary>
    public void ForwardPattern()
    {
        var outputWeights = parameters.AsSpan(0, width);
        kernel.ForwardPattern(inputs, parameters.AsSpan(width), outputWeights, samples, channels, width, 1f / MathF.Sqrt(width), activePattern, outputs);
    }

    public void Backward()
    {
        var outputWeights = parameters.AsSpan(0, width);
        kernel.Backward(inputs, parameters.AsSpan(width), outputWeights, activePattern, outputGradient, samples, channels, width, 1f / MathF.Sqrt(width), 0f, scaled, gradients.AsSpan(width), gradients.AsSpan(0, width));
    }

    public void Step()
    {
        var inverseAlpha = 1f / MathF.Sqrt(width);
        var outputWeights = parameters.AsSpan(0, width);
        var inputWeights = parameters.AsSpan(width);
        kernel.ForwardPattern(inputs, inputWeights, outputWeights, samples, channels, width, inverseAlpha, activePattern, outputs);
        TensorPrimitives.Subtract(outputs, targets, outputGradient);
        TensorPrimitives.Multiply(outputGradient, 1f / SampleCount, outputGradient);
        kernel.Backward(inputs, inputWeights, outputWeights, activePattern, outputGradient, samples, channels, width, inverseAlpha, 0f, scaled, gradients.AsSpan(width), gradients.AsSpan(0, width));
        TensorPrimitives.MultiplyAdd(gradients, -1e-3f, parameters, parameters);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
