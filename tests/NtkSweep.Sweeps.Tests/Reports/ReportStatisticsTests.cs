using NtkSweep.Sweeps.Reports;

namespace NtkSweep.Sweeps.Tests.Reports;

public sealed class ReportStatisticsTests
{
    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(2, 4.3027)]
    [InlineData(3, 3.1824)]
    [InlineData(10, 2.2281)]
    [InlineData(30, 2.0423)]
    [InlineData(1000, 1.9623)]
    public void Student_t_quantile_matches_the_tables(int degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, ReportStatistics.StudentT(degreesOfFreedom), 3);
    }

    [Fact]
    public void Exact_power_law_fits_with_zero_standard_error()
    {
        var fit = ReportStatistics.FitPowerLaw(new[] { 64, 128, 256 }.Select(m => ((double)m, 3 * Math.Pow(m, -1.5))), 3);

        Assert.NotNull(fit);
        Assert.Equal(-1.5, fit.Slope, 10);
        Assert.Equal(Math.Log(3), fit.Intercept, 10);
        Assert.Equal(0, fit.StandardError, 10);
    }

    [Fact]
    public void Fewer_than_three_widths_or_non_positive_values_give_no_fit()
    {
        Assert.Null(ReportStatistics.FitPowerLaw([(64.0, 1.0), (64.0, 1.1), (128.0, 0.7), (128.0, 0.8)], 3));
        Assert.Null(ReportStatistics.FitPowerLaw([(64.0, 1.0), (128.0, double.NaN), (256.0, 0.0)], 3));
    }

    [Fact]
    public void Empty_and_single_value_estimates_have_no_interval()
    {
        Assert.False(ReportStatistics.GeometricMean([double.NaN, -1]).HasValue);
        var single = ReportStatistics.Mean([2.5]);
        Assert.Equal(2.5, single.Value);
        Assert.True(double.IsNaN(single.Low));
    }
}
