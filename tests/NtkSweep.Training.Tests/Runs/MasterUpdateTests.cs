using System.Numerics.Tensors;
using NtkSweep.Training.Runs;

namespace NtkSweep.Training.Tests.Runs;

public sealed class MasterUpdateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(29)]
    [InlineData(1000)]
    public void One_pass_gives_the_four_separate_passes_bit_for_bit(int count)
    {
        var random = new System.Random(count);
        var gradient = Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 3)))).ToArray();
        var master = Enumerable.Range(0, count).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-4, 2))).ToArray();
        const double stepSize = 0.0137;

        // The passes the training loop made before: keep, widen, multiply-add, narrow.
        var expectedLast = (double[])master.Clone();
        var expectedMaster = (double[])master.Clone();
        var widened = new double[count];
        TensorPrimitives.ConvertChecked<float, double>(gradient, widened);
        TensorPrimitives.MultiplyAdd(widened, -stepSize, expectedMaster, expectedMaster);
        var expectedParameters = new float[count];
        TensorPrimitives.ConvertTruncating<double, float>(expectedMaster, expectedParameters);

        var last = new double[count];
        var parameters = new float[count];
        MasterUpdate.Apply(gradient, stepSize, master, last, parameters);

        Assert.Equal(expectedLast.Select(BitConverter.DoubleToInt64Bits), last.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expectedMaster.Select(BitConverter.DoubleToInt64Bits), master.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expectedParameters.Select(BitConverter.SingleToInt32Bits), parameters.Select(BitConverter.SingleToInt32Bits));
        // The step moved something, so the comparison could fail.
        Assert.NotEqual(expectedLast, master);
    }

    [Fact]
    public void Buffers_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MasterUpdate.Apply(new float[4], 0.1, new double[4], new double[3], new float[4]));
    }
}
