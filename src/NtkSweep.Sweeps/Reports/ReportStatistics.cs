using MathNet.Numerics;
using MathNet.Numerics.Statistics;

namespace NtkSweep.Sweeps.Reports;

/// <summary>A seed-aggregated value with its 95% confidence interval (NaN bounds when fewer than two values).</summary>
public readonly record struct MetricEstimate(double Value, double Low, double High, int Count)
{
    public static MetricEstimate Empty { get; } = new(double.NaN, double.NaN, double.NaN, 0);

    public bool HasValue => Count > 0 && double.IsFinite(Value);
}

/// <summary>Least-squares slope of log y against log m, with its standard error and 95% t-interval.</summary>
public sealed record SlopeFit(double Slope, double Intercept, double StandardError, double Low, double High, int Points, int Widths);

/// <summary>The few statistics the report needs: t-intervals and a straight-line fit (quantiles and the fit from MathNet.Numerics).</summary>
public static class ReportStatistics
{
    private const double Confidence = 0.95;

    /// <summary>Arithmetic mean of the finite values with a t-interval.</summary>
    public static MetricEstimate Mean(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return MetricEstimate.Empty;
        }

        var mean = finite.Average();
        if (finite.Length < 2)
        {
            return new MetricEstimate(mean, double.NaN, double.NaN, 1);
        }

        var halfWidth = StudentT(finite.Length - 1) * finite.StandardDeviation() / Math.Sqrt(finite.Length);
        return new MetricEstimate(mean, mean - halfWidth, mean + halfWidth, finite.Length);
    }

    /// <summary>
    /// Geometric mean of the finite positive values, with the t-interval taken on the logs: RD and ΔK scale as powers
    /// of the width, so seeds spread multiplicatively.
    /// </summary>
    public static MetricEstimate GeometricMean(IEnumerable<double> values)
    {
        var logs = values.Where(value => double.IsFinite(value) && value > 0).Select(value => Math.Log(value)).ToArray();
        if (logs.Length == 0)
        {
            return MetricEstimate.Empty;
        }

        var mean = logs.Average();
        if (logs.Length < 2)
        {
            return new MetricEstimate(Math.Exp(mean), double.NaN, double.NaN, 1);
        }

        var halfWidth = StudentT(logs.Length - 1) * logs.StandardDeviation() / Math.Sqrt(logs.Length);
        return new MetricEstimate(Math.Exp(mean), Math.Exp(mean - halfWidth), Math.Exp(mean + halfWidth), logs.Length);
    }

    /// <summary>
    /// Fits log y = a + s·log x over the points with finite positive coordinates (ordinary least squares, MathNet's
    /// Fit.Line). Needs at least <paramref name="minimumDistinctX"/> distinct x values; returns null otherwise.
    /// </summary>
    public static SlopeFit? FitPowerLaw(IEnumerable<(double X, double Y)> points, int minimumDistinctX)
    {
        var logs = points
            .Where(point => double.IsFinite(point.X) && point.X > 0 && double.IsFinite(point.Y) && point.Y > 0)
            .Select(point => (X: Math.Log(point.X), Y: Math.Log(point.Y)))
            .ToArray();
        var distinct = logs.Select(point => point.X).Distinct().Count();
        if (distinct < Math.Max(2, minimumDistinctX) || logs.Length < 3)
        {
            return null;
        }

        var x = logs.Select(point => point.X).ToArray();
        var y = logs.Select(point => point.Y).ToArray();
        var (intercept, slope) = Fit.Line(x, y);

        // The slope's standard error, √(RSS / (n − 2) / Sxx): MathNet fits the line but does not give its uncertainty.
        var meanX = x.Mean();
        var sxx = x.Sum(value => (value - meanX) * (value - meanX));
        var residuals = logs.Sum(point => Math.Pow(point.Y - intercept - slope * point.X, 2));
        var freedom = logs.Length - 2;
        var standardError = Math.Sqrt(residuals / freedom / sxx);
        var halfWidth = StudentT(freedom) * standardError;
        return new SlopeFit(slope, intercept, standardError, slope - halfWidth, slope + halfWidth, logs.Length, distinct);
    }

    /// <summary>The two-sided 95% quantile of Student's t with the given degrees of freedom.</summary>
    public static double StudentT(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        return MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, degreesOfFreedom, 0.5 + Confidence / 2);
    }
}
