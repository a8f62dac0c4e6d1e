using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// Rough compute cost of a run, so that a sweep can be sized before it is started. It counts the dominant
/// matrix work only and assumes the whole step budget is used, so it is an upper estimate for runs that stop early
/// on the loss tolerance; what matters is that it scales correctly with width, samples and steps.
/// </summary>
public static class RunCost
{
    /// <summary>The assumed sustained speed of one core on this project's kernels, in GFLOP/s.</summary>
    public const double DefaultGflopsPerCore = 20;

    /// <summary>
    /// Floating-point operations of one run: per step about 6·n·c·m (forward 2·n·c·m, backward 4·n·c·m, with
    /// n training samples, c input channels including the bias, m neurons) times the step budget, plus the
    /// empirical-NTK metrics, about 4·n²·m for each of three train Gram matrices and 4·n_test·n·m for the
    /// train–test kernel.
    /// </summary>
    public static double EstimateFlops(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        double samples = spec.TrainSamples;
        double channels = spec.InputChannels;
        double width = spec.Width;
        var training = 6 * samples * channels * width * spec.MaxSteps;
        var kernels = (4 * samples * samples * width * 3) + (4 * (double)spec.TestSamples * samples * width);
        return training + kernels;
    }

    /// <summary>Estimated single-core time of one run, in seconds, at <paramref name="gflops"/> GFLOP/s.</summary>
    public static double EstimateSeconds(RunSpec spec, double gflops = DefaultGflopsPerCore)
    {
        if (!(gflops > 0) || !double.IsFinite(gflops))
        {
            throw new ArgumentOutOfRangeException(nameof(gflops), gflops, "The speed must be a positive number of GFLOP/s.");
        }

        return EstimateFlops(spec) / (gflops * 1e9);
    }
}
