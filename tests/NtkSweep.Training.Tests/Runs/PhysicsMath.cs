namespace NtkSweep.Training.Tests.Runs;

/// <summary>Finite-size scaling in the tests: the least-squares slope of log(value) against log(width).</summary>
internal static class PhysicsMath
{
    public static double Slope(int[] widths, double[] values)
    {
        var x = widths.Select(width => Math.Log(width)).ToArray();
        var y = values.Select(value => Math.Log(value)).ToArray();
        var meanX = x.Average();
        var meanY = y.Average();
        var covariance = x.Zip(y, (a, b) => (a - meanX) * (b - meanY)).Sum();
        var variance = x.Sum(a => (a - meanX) * (a - meanX));
        return covariance / variance;
    }
}
