namespace NtkSweep.Sweeps.Runs;

/// <summary>
/// The one definition of a sweep's remaining time: the estimated cost still to run divided by the cost finished per
/// second so far in this session. Cost-weighted, so a sweep that runs its most expensive runs first does not promise
/// an early end from its many cheap runs; null until anything has finished.
/// </summary>
public static class SweepEta
{
    public static double? Seconds(double remainingCost, double costFinishedThisSession, double sessionSeconds)
    {
        if (remainingCost <= 0)
        {
            return 0;
        }

        if (costFinishedThisSession <= 0 || sessionSeconds <= 0)
        {
            return null;
        }

        return remainingCost / (costFinishedThisSession / sessionSeconds);
    }

    /// <summary>
    /// The ETA of a sweep that refines: the runs planned so far are all it can count, and refinement may add more, so
    /// the time is a lower bound and says so.
    /// </summary>
    public static string Format(double? seconds, bool refines) =>
        refines && seconds is { } value && double.IsFinite(value) ? $"≥ {Format(seconds)} (refinement may add runs)" : Format(seconds);

    /// <summary>h:mm:ss-style text for displays: "1h05m", "3m07s", "12s"; "—" when unknown.</summary>
    public static string Format(double? seconds)
    {
        if (seconds is not { } value || !double.IsFinite(value))
        {
            return "—";
        }

        var eta = TimeSpan.FromSeconds(Math.Max(0, value));
        return eta.TotalHours >= 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)eta.TotalHours}h{eta.Minutes:00}m")
            : eta.TotalMinutes >= 1
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{eta.Minutes}m{eta.Seconds:00}s")
                : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{eta.Seconds}s");
    }
}
