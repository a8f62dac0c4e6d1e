namespace NtkSweep.Sweeps.Reports;

/// <summary>A seed-aggregated value with its 95% confidence interval (NaN bounds when fewer than two values).</summary>
public readonly record struct MetricEstimate(double Value, double Low, double High, int Count)
{
    public static MetricEstimate Empty { get; } = new(double.NaN, double.NaN, double.NaN, 0);

    public bool HasValue => Count > 0 && double.IsFinite(Value);
}

/// <summary>Least-squares slope of log y against log m, with its standard error and 95% t-interval.</summary>
public sealed record SlopeFit(double Slope, double Intercept, double StandardError, double Low, double High, int Points, int Widths);

/// <summary>The few statistics the report needs: t-intervals and a straight-line fit.</summary>
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

        var halfWidth = StudentT(finite.Length - 1) * StandardDeviation(finite, mean) / Math.Sqrt(finite.Length);
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

        var halfWidth = StudentT(logs.Length - 1) * StandardDeviation(logs, mean) / Math.Sqrt(logs.Length);
        return new MetricEstimate(Math.Exp(mean), Math.Exp(mean - halfWidth), Math.Exp(mean + halfWidth), logs.Length);
    }

    /// <summary>
    /// Fits log y = a + s·log x over the points with finite positive coordinates. Needs at least
    /// <paramref name="minimumDistinctX"/> distinct x values; returns null otherwise.
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

        var meanX = logs.Average(point => point.X);
        var meanY = logs.Average(point => point.Y);
        double sxx = 0;
        double sxy = 0;
        foreach (var (x, y) in logs)
        {
            sxx += (x - meanX) * (x - meanX);
            sxy += (x - meanX) * (y - meanY);
        }

        var slope = sxy / sxx;
        var intercept = meanY - slope * meanX;
        double residuals = 0;
        foreach (var (x, y) in logs)
        {
            var residual = y - intercept - slope * x;
            residuals += residual * residual;
        }

        var freedom = logs.Length - 2;
        var standardError = Math.Sqrt(residuals / freedom / sxx);
        var halfWidth = StudentT(freedom) * standardError;
        return new SlopeFit(slope, intercept, standardError, slope - halfWidth, slope + halfWidth, logs.Length, distinct);
    }

    /// <summary>The two-sided 95% quantile of Student's t with the given degrees of freedom.</summary>
    public static double StudentT(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        // Bisection on the closed-form CDF; P(|T| ≤ t) is increasing in t and the quantile lies below 13 for ν ≥ 1.
        double low = 0;
        double high = 16;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var middle = 0.5 * (low + high);
            if (CentralProbability(middle, degreesOfFreedom) < Confidence)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return 0.5 * (low + high);
    }

    /// <summary>
    /// P(|T| ≤ t) for integer ν, by the finite trigonometric series in θ = atan(t/√ν): for odd ν it is
    /// (2/π)(θ + sinθ·Σ c_j cos^(2j+1)θ), for even ν sinθ·Σ c_j cos^(2j)θ, the coefficients built as running ratios.
    /// </summary>
    internal static double CentralProbability(double t, int degreesOfFreedom)
    {
        var theta = Math.Atan(t / Math.Sqrt(degreesOfFreedom));
        var sine = Math.Sin(theta);
        var cosine = Math.Cos(theta);
        var cosineSquared = cosine * cosine;
        if (degreesOfFreedom % 2 == 1)
        {
            if (degreesOfFreedom == 1)
            {
                return 2 * theta / Math.PI;
            }

            var term = cosine;
            var sum = cosine;
            for (var k = 3; k <= degreesOfFreedom - 2; k += 2)
            {
                term *= cosineSquared * (k - 1) / k;
                sum += term;
            }

            return 2 / Math.PI * (theta + sine * sum);
        }
        else
        {
            double term = 1;
            double sum = 1;
            for (var k = 2; k <= degreesOfFreedom - 2; k += 2)
            {
                term *= cosineSquared * (k - 1) / k;
                sum += term;
            }

            return sine * sum;
        }
    }

    private static double StandardDeviation(double[] values, double mean)
    {
        double sum = 0;
        foreach (var value in values)
        {
            sum += (value - mean) * (value - mean);
        }

        return Math.Sqrt(sum / (values.Length - 1));
    }
}
