using NtkSweep.Training.Data;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Tests.Data;

public sealed class DatasetTests
{
    private static RunSpec Teacher(Action<RunSpecBuilder>? configure = null)
    {
        var builder = new RunSpecBuilder()
            .Set("data", "teacher")
            .Set("inputDim", 6)
            .Set("teachers", 3)
            .Set("teacherSigns", "1,-1,0.5")
            .Set("trainSamples", 50)
            .Set("testSamples", 20)
            .Set("width", 16)
            .Set("seed", 11);
        configure?.Invoke(builder);
        return builder.Build();
    }

    [Fact]
    public void Changing_width_or_parametrization_leaves_the_data_unchanged()
    {
        var baseline = Dataset.Create(Teacher());
        foreach (var other in new[]
        {
            Teacher(b => b.Set("width", 1000)),
            Teacher(b => b.Set("preset", "mean-field")),
            Teacher(b => b.Set("width", 32).Set("antisymmetric", true).Set("weightDecay", 0.1)),
        })
        {
            var data = Dataset.Create(other);
            Assert.Equal(baseline.TrainInputs, data.TrainInputs);
            Assert.Equal(baseline.TrainTargets, data.TrainTargets);
            Assert.Equal(baseline.TestInputs, data.TestInputs);
            Assert.Equal(baseline.TestTargets, data.TestTargets);
            Assert.Equal(baseline.TeacherDirections, data.TeacherDirections);
        }
    }

    [Fact]
    public void Same_spec_gives_identical_data()
    {
        var first = Dataset.Create(Teacher(b => b.Set("labelNoise", 0.2)));
        var second = Dataset.Create(Teacher(b => b.Set("labelNoise", 0.2)));
        Assert.Equal(first.TrainInputs, second.TrainInputs);
        Assert.Equal(first.TrainTargets, second.TrainTargets);
        Assert.Equal(first.TestTargets, second.TestTargets);
    }

    [Fact]
    public void Different_seed_gives_different_inputs_targets_and_teacher()
    {
        var first = Dataset.Create(Teacher());
        var second = Dataset.Create(Teacher(b => b.Set("seed", 12)));
        Assert.NotEqual(first.TrainInputs, second.TrainInputs);
        Assert.NotEqual(first.TrainTargets, second.TrainTargets);
        Assert.NotEqual(first.TestInputs, second.TestInputs);
        Assert.NotEqual(first.TeacherDirections, second.TeacherDirections);
    }

    [Fact]
    public void Train_and_test_inputs_come_from_different_streams()
    {
        var data = Dataset.Create(Teacher());
        var prefix = data.TestInputs.Length;
        Assert.NotEqual(data.TrainInputs.Take(prefix), data.TestInputs);
    }

    [Fact]
    public void Label_noise_changes_train_targets_only()
    {
        var clean = Dataset.Create(Teacher());
        var noisy = Dataset.Create(Teacher(b => b.Set("labelNoise", 0.3)));
        Assert.Equal(clean.TrainInputs, noisy.TrainInputs);
        Assert.Equal(clean.TestInputs, noisy.TestInputs);
        Assert.Equal(clean.TestTargets, noisy.TestTargets);
        var differences = clean.TrainTargets.Zip(noisy.TrainTargets, (a, b) => (double)b - a).ToArray();
        Assert.All(differences, difference => Assert.NotEqual(0, difference));
        var variance = differences.Select(d => d * d).Average();
        // 50 noise draws of sd 0.3: the sample variance 0.09 is within a factor of two with overwhelming probability.
        Assert.InRange(variance, 0.045, 0.18);
    }

    [Fact]
    public void Random_teacher_directions_are_orthonormal_and_targets_follow_the_teacher()
    {
        var spec = Teacher();
        var data = Dataset.Create(spec);
        var d = spec.InputDim;
        Assert.Equal(3, data.TeacherCount);
        Assert.Equal(new[] { 1.0, -1.0, 0.5 }, data.TeacherWeights);
        for (var a = 0; a < 3; a++)
        {
            for (var b = 0; b < 3; b++)
            {
                double dot = 0;
                for (var j = 0; j < d; j++)
                {
                    dot += data.TeacherDirections[a * d + j] * data.TeacherDirections[b * d + j];
                }

                Assert.Equal(a == b ? 1 : 0, dot, 1e-12);
            }
        }

        AssertTeacherTargets(data, data.TrainInputs, data.TrainTargets, spec.InputChannels);
        AssertTeacherTargets(data, data.TestInputs, data.TestTargets, spec.InputChannels);
    }

    [Fact]
    public void Axis_teacher_directions_are_unit_vectors_and_bias_channel_is_one()
    {
        var spec = Teacher(b => b.Set("teacherDirections", "axis").Set("bias", true));
        var data = Dataset.Create(spec);
        for (var t = 0; t < 3; t++)
        {
            for (var j = 0; j < spec.InputDim; j++)
            {
                Assert.Equal(t == j ? 1 : 0, data.TeacherDirections[t * spec.InputDim + j]);
            }
        }

        Assert.Equal(spec.InputDim + 1, data.InputChannels);
        for (var s = 0; s < data.TrainCount; s++)
        {
            Assert.Equal(1f, data.TrainInputs[s * data.InputChannels + spec.InputDim]);
        }

        AssertTeacherTargets(data, data.TrainInputs, data.TrainTargets, data.InputChannels);
    }

    [Fact]
    public void Teacher_inputs_are_standard_gaussian()
    {
        var spec = Teacher(b => b.Set("trainSamples", 4000));
        var values = Dataset.Create(spec).TrainInputs.Select(v => (double)v).ToArray();
        var mean = values.Average();
        var variance = values.Select(v => (v - mean) * (v - mean)).Average();
        // 24 000 draws: five standard errors are 0.032 for the mean and 0.046 for the variance.
        Assert.InRange(mean, -0.032, 0.032);
        Assert.InRange(variance, 0.954, 1.046);
    }

    [Fact]
    public void Luo_task_has_eight_even_points_in_minus_one_one_with_the_published_target()
    {
        var spec = new RunSpecBuilder().Set("data", "luo1d").Set("testSamples", 5).Build();
        var data = Dataset.Create(spec);
        Assert.Equal(8, data.TrainCount);
        Assert.Equal(2, data.InputChannels);
        for (var s = 0; s < 8; s++)
        {
            var x = -1 + 2.0 * s / 7;
            Assert.Equal(x, data.TrainInputs[2 * s], 1e-6);
            Assert.Equal(1f, data.TrainInputs[2 * s + 1]);
            Assert.Equal(LuoTarget(x), data.TrainTargets[s], 1e-6);
        }

        Assert.Equal(5, data.TestCount);
        Assert.Equal(-1f, data.TestInputs[0]);
        Assert.Equal(0f, data.TestInputs[4]);
        Assert.Equal(1f, data.TestInputs[8]);
        Assert.Equal(LuoTarget(0.5), data.TestTargets[3], 1e-6);
    }

    [Fact]
    public void Luo_task_without_bias_has_a_single_channel()
    {
        var spec = new RunSpecBuilder().Set("data", "luo1d").Set("bias", false).Build();
        var data = Dataset.Create(spec);
        Assert.Equal(1, data.InputChannels);
        Assert.Equal(8, data.TrainInputs.Length);
        Assert.Equal(-1f, data.TrainInputs[0]);
        Assert.Equal(1f, data.TrainInputs[7]);
    }

    private static double LuoTarget(double x)
    {
        static double Relu(double v) => Math.Max(0, v);
        return -Relu(x) + Relu(2 * (x + 0.3)) - Relu(1.5 * (x - 0.4)) + Relu(0.5 * (x - 0.8));
    }

    private static void AssertTeacherTargets(Dataset data, float[] inputs, float[] targets, int channels)
    {
        var d = data.InputDim;
        for (var s = 0; s < targets.Length; s++)
        {
            double expected = 0;
            for (var t = 0; t < data.TeacherCount; t++)
            {
                double dot = 0;
                for (var j = 0; j < d; j++)
                {
                    dot += inputs[s * channels + j] * data.TeacherDirections[t * d + j];
                }

                expected += data.TeacherWeights[t] * Math.Max(0, dot);
            }

            // Inputs are stored as float32, so the float64 recomputation differs by input rounding (≈1e-7 relative).
            Assert.Equal(expected, targets[s], 1e-5 * (1 + Math.Abs(expected)));
        }
    }
}
