using NtkSweep.Training.Random;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Data;

/// <summary>
/// Training and test data of a run, generated from the run's seed. Inputs already carry the constant bias channel
/// when the spec asks for it, so the network sees x̃ = (x, 1).
/// </summary>
public sealed class Dataset
{
    private Dataset(int inputDim, int inputChannels, float[] trainInputs, float[] trainTargets, float[] testInputs, float[] testTargets, double[] teacherDirections, double[] teacherWeights)
    {
        InputDim = inputDim;
        InputChannels = inputChannels;
        TrainInputs = trainInputs;
        TrainTargets = trainTargets;
        TestInputs = testInputs;
        TestTargets = testTargets;
        TeacherDirections = teacherDirections;
        TeacherWeights = teacherWeights;
    }

    public int InputDim { get; }

    public int InputChannels { get; }

    public int TrainCount => TrainTargets.Length;

    public int TestCount => TestTargets.Length;

    // [trainCount, inputChannels]
    public float[] TrainInputs { get; }

    // [trainCount]
    public float[] TrainTargets { get; }

    // [testCount, inputChannels]
    public float[] TestInputs { get; }

    // [testCount]
    public float[] TestTargets { get; }

    /// <summary>Unit teacher directions w*_i (teacher data only; empty otherwise).</summary>
    // [teachers, inputDim]
    public double[] TeacherDirections { get; }

    // [teachers]
    public double[] TeacherWeights { get; }

    public int TeacherCount => TeacherWeights.Length;

    public static Dataset Create(RunSpec spec) => spec.Data switch
    {
        DataKind.Teacher => CreateTeacherStudent(spec),
        DataKind.Luo1D => CreateLuo1D(spec),
        _ => throw new InvalidOperationException($"Unknown data kind {spec.Data}."),
    };

    private static Dataset CreateTeacherStudent(RunSpec spec)
    {
        var inputDim = spec.InputDim;
        var teachers = spec.Teachers;
        var directions = new double[teachers * inputDim];
        if (spec.TeacherDirections == Specs.TeacherDirections.Axis)
        {
            for (var i = 0; i < teachers; i++)
            {
                directions[i * inputDim + i] = 1;
            }
        }
        else
        {
            // Orthonormalized Gaussian directions: random, and as well separated as directions can be.
            var rng = Xoshiro256.ForStream(spec.Seed, RandomStream.TeacherDirections);
            for (var i = 0; i < teachers; i++)
            {
                var row = directions.AsSpan(i * inputDim, inputDim);
                do
                {
                    for (var j = 0; j < inputDim; j++)
                    {
                        row[j] = rng.NextGaussian();
                    }

                    for (var previous = 0; previous < i; previous++)
                    {
                        var other = directions.AsSpan(previous * inputDim, inputDim);
                        var projection = Dot(row, other);
                        for (var j = 0; j < inputDim; j++)
                        {
                            row[j] -= projection * other[j];
                        }
                    }
                }
                while (Normalize(row) < 1e-6);
            }
        }

        var weights = spec.TeacherSigns.ToArray();
        var trainRng = Xoshiro256.ForStream(spec.Seed, RandomStream.TrainInputs);
        var testRng = Xoshiro256.ForStream(spec.Seed, RandomStream.TestInputs);
        var noiseRng = Xoshiro256.ForStream(spec.Seed, RandomStream.LabelNoise);
        var channels = spec.InputChannels;
        var (trainInputs, trainTargets) = Sample(ref trainRng, spec.TrainSamples);
        var (testInputs, testTargets) = Sample(ref testRng, spec.TestSamples);
        AddNoise(trainTargets, spec.LabelNoise, ref noiseRng);
        return new Dataset(inputDim, channels, trainInputs, trainTargets, testInputs, testTargets, directions, weights);

        (float[] Inputs, float[] Targets) Sample(ref Xoshiro256 rng, int count)
        {
            var inputs = new float[count * channels];
            var targets = new float[count];
            var x = new double[inputDim];
            for (var s = 0; s < count; s++)
            {
                for (var j = 0; j < inputDim; j++)
                {
                    x[j] = rng.NextGaussian();
                    inputs[s * channels + j] = (float)x[j];
                }

                if (spec.Bias)
                {
                    inputs[s * channels + inputDim] = 1;
                }

                double y = 0;
                for (var t = 0; t < teachers; t++)
                {
                    y += weights[t] * Math.Max(0, Dot(x, directions.AsSpan(t * inputDim, inputDim)));
                }

                targets[s] = (float)y;
            }

            return (inputs, targets);
        }
    }

    private static Dataset CreateLuo1D(RunSpec spec)
    {
        var channels = spec.InputChannels;
        var (trainInputs, trainTargets) = Grid(Luo1DTask.TrainSamples);
        var (testInputs, testTargets) = Grid(spec.TestSamples);
        var noiseRng = Xoshiro256.ForStream(spec.Seed, RandomStream.LabelNoise);
        AddNoise(trainTargets, spec.LabelNoise, ref noiseRng);
        return new Dataset(1, channels, trainInputs, trainTargets, testInputs, testTargets, [], []);

        (float[] Inputs, float[] Targets) Grid(int count)
        {
            var inputs = new float[count * channels];
            var targets = new float[count];
            for (var s = 0; s < count; s++)
            {
                var x = count == 1 ? 0 : -1 + 2.0 * s / (count - 1);
                inputs[s * channels] = (float)x;
                if (spec.Bias)
                {
                    inputs[s * channels + 1] = 1;
                }

                targets[s] = (float)Luo1DTask.Target(x);
            }

            return (inputs, targets);
        }
    }

    private static void AddNoise(float[] targets, double noise, ref Xoshiro256 rng)
    {
        if (noise <= 0)
        {
            return;
        }

        for (var s = 0; s < targets.Length; s++)
        {
            targets[s] += (float)(noise * rng.NextGaussian());
        }
    }

    private static double Dot(ReadOnlySpan<double> left, ReadOnlySpan<double> right)
    {
        double sum = 0;
        for (var i = 0; i < left.Length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }

    private static double Normalize(Span<double> row)
    {
        var norm = Math.Sqrt(Dot(row, row));
        if (norm > 0)
        {
            for (var j = 0; j < row.Length; j++)
            {
                row[j] /= norm;
            }
        }

        return norm;
    }
}

/// <summary>Luo et al.'s 1-D regression task: 8 evenly spaced points in [−1, 1].</summary>
public static class Luo1DTask
{
    public const int TrainSamples = 8;

    public static double Target(double x) =>
        -Relu(x) + Relu(2 * (x + 0.3)) - Relu(1.5 * (x - 0.4)) + Relu(0.5 * (x - 0.8));

    private static double Relu(double value) => Math.Max(0, value);
}
