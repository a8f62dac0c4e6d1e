using NtkSweep.Training.Metrics;

namespace NtkSweep.Training.Tests.Metrics;

public sealed class NeuronMetricsTests
{
    private const int InputDim = 3;
    private const int Channels = InputDim + 1;
    private const double Alpha = 2;

    /// <summary>
    /// Hand-placed neurons around two teachers (e1 with a* = +1, e2 with a* = −2). Masses are |a|·‖w_input‖/α; the bias
    /// channel must not count for teacher data.
    /// </summary>
    [Fact]
    public void Clusters_far_mass_and_angles_of_hand_placed_neurons()
    {
        var neurons = new (double A, double[] W)[]
        {
            (2, [3, 0, 0, 5]), // on e1, right sign, mass 3 (the bias 5 is excluded)
            (-1, Direction(2, 1, 2, 10)), // 10° from e2, right sign, mass 1
            (-1, Direction(1, 0, 1, 10)), // 10° from e1 but wrong sign: far, mass 0.5
            (1, Direction(1.4, 0, 2, 20)), // 20° from e1: far, mass 0.7
            (0.6, Direction(4, 0, 1, 14)), // 14° from e1, right sign, mass 1.2
        };
        var (inputWeights, outputWeights, width, stride) = Layout(neurons);
        double[] teacherDirections = [1, 0, 0, 0, 1, 0];
        double[] teacherWeights = [1, -2];

        var summary = NeuronMetrics.Compute(inputWeights, outputWeights, width, stride, Channels, InputDim, Alpha, teacherDirections, teacherWeights);

        Assert.Equal(2, summary.Clusters.Count);
        var first = summary.Clusters[0];
        Assert.Equal(4.2, first.Mass, 1e-6);
        Assert.Equal(2, first.Neurons);
        Assert.Equal((3 * 0 + 1.2 * 14) / 4.2, first.AngleDeg, 1e-3);
        Assert.Equal(1, first.TeacherWeight);
        var second = summary.Clusters[1];
        Assert.Equal(1, second.Mass, 1e-6);
        Assert.Equal(1, second.Neurons);
        Assert.Equal(10, second.AngleDeg, 1e-3);
        Assert.Equal((0.5 + 0.7) / 6.4, summary.FarMass, 1e-6);

        // Neuron points: largest mass first, signed by a, with the cosines to each teacher.
        double[] expectedMasses = [3, 1.2, -1, 0.7, -0.5];
        Assert.Equal(expectedMasses.Length, summary.Neurons.Count);
        for (var i = 0; i < expectedMasses.Length; i++)
        {
            Assert.Equal(expectedMasses[i], summary.Neurons[i].Mass, 1e-6);
            Assert.True(double.IsNaN(summary.Neurons[i].AngleDeg));
        }

        Assert.Equal(1, summary.Neurons[0].TeacherCosines[0], 1e-6);
        Assert.Equal(0, summary.Neurons[0].TeacherCosines[1], 1e-6);
        Assert.Equal(Math.Cos(10 * Math.PI / 180), summary.Neurons[2].TeacherCosines[1], 1e-6);
    }

    [Fact]
    public void A_neuron_at_the_cluster_angle_counts_and_one_just_beyond_does_not()
    {
        double[] teacherDirections = [1, 0, 0];
        double[] teacherWeights = [1];
        foreach (var (angle, inside) in new[] { (14.9, true), (15.1, false) })
        {
            var (w, a, width, stride) = Layout([(1.0, Direction(1, 0, 1, angle))]);
            var summary = NeuronMetrics.Compute(w, a, width, stride, Channels, InputDim, 1, teacherDirections, teacherWeights);
            Assert.Equal(inside ? 0 : 1, summary.FarMass, 1e-9);
        }
    }

    [Fact]
    public void Condensation_counts_the_directions_that_carry_the_mass()
    {
        // No teachers (Luo-style): masses use the full w, bias included.
        var (w, a, width, stride) = Layout(
        [
            (1.0, [1, 0, 0, 0]),
            (2.0, [3, 0, 0, 0]),
            (0.5, [0.5, 0.01, 0, 0]),
        ]);
        var one = NeuronMetrics.Compute(w, a, width, stride, Channels, InputDim, 1, [], []);
        Assert.Equal(1, one.Condensation, 1e-5);
        Assert.True(double.IsNaN(one.FarMass));
        Assert.Empty(one.Clusters);

        var (w3, a3, width3, stride3) = Layout(
        [
            (1.0, [1, 0, 0, 0]),
            (1.0, [0, 0, 0, 1]),
            (-1.0, [0, 1, 0, 0]),
        ]);
        var three = NeuronMetrics.Compute(w3, a3, width3, stride3, Channels, InputDim, 1, [], []);
        Assert.Equal(3, three.Condensation, 1e-5);
    }

    [Fact]
    public void Luo_neuron_points_carry_the_angle_of_weight_and_bias()
    {
        var (w, a, width, stride) = LayoutTwoChannels([(1.0, 1.0, 1.0), (-2.0, -1.0, 0.0)]);
        var summary = NeuronMetrics.Compute(w, a, width, stride, 2, 1, 1, [], []);
        Assert.Equal(-2, summary.Neurons[0].Mass, 1e-6);
        Assert.Equal(180, summary.Neurons[0].AngleDeg, 1e-4);
        Assert.Equal(Math.Sqrt(2), summary.Neurons[1].Mass, 1e-6);
        Assert.Equal(45, summary.Neurons[1].AngleDeg, 1e-4);
    }

    /// <summary>A unit vector at <paramref name="degrees"/> from axis <paramref name="axis"/>, tilted towards <paramref name="towards"/>, scaled.</summary>
    private static double[] Direction(double scale, int axis, int towards, double degrees)
    {
        var w = new double[Channels];
        w[axis] = scale * Math.Cos(degrees * Math.PI / 180);
        w[towards] = scale * Math.Sin(degrees * Math.PI / 180);
        return w;
    }

    /// <summary>Weights in the trainer's layout: [channels, stride] with zero padding columns, a in [stride].</summary>
    private static (float[] InputWeights, float[] OutputWeights, int Width, int Stride) Layout((double A, double[] W)[] neurons)
    {
        var width = neurons.Length;
        var stride = width + 3;
        var inputWeights = new float[Channels * stride];
        var outputWeights = new float[stride];
        for (var k = 0; k < width; k++)
        {
            outputWeights[k] = (float)neurons[k].A;
            for (var j = 0; j < Channels; j++)
            {
                inputWeights[j * stride + k] = (float)neurons[k].W[j];
            }
        }

        return (inputWeights, outputWeights, width, stride);
    }

    private static (float[] InputWeights, float[] OutputWeights, int Width, int Stride) LayoutTwoChannels((double A, double W, double B)[] neurons)
    {
        var width = neurons.Length;
        var stride = width + 1;
        var inputWeights = new float[2 * stride];
        var outputWeights = new float[stride];
        for (var k = 0; k < width; k++)
        {
            outputWeights[k] = (float)neurons[k].A;
            inputWeights[k] = (float)neurons[k].W;
            inputWeights[stride + k] = (float)neurons[k].B;
        }

        return (inputWeights, outputWeights, width, stride);
    }
}
