using NtkSweep.Training.Linear;

namespace NtkSweep.Training.Tests.Linear;

public sealed class FixedOrderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(1000)]
    public void Dot_matches_the_exact_sum_to_rounding(int length)
    {
        var random = new System.Random(length);
        var x = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var y = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var exact = x.Zip(y, (a, b) => (decimal)a * (decimal)b).Sum();
        var magnitude = x.Zip(y, (a, b) => Math.Abs(a * b)).Sum();
        Assert.True(Math.Abs(FixedOrder.Dot(x, y) - (double)exact) <= 1e-15 * Math.Max(1, magnitude) * length + 1e-300);
    }

    [Fact]
    public void Dot_of_unequal_lengths_is_refused() =>
        Assert.Throws<ArgumentException>(() => FixedOrder.Dot(new double[3], new double[4]));
}
