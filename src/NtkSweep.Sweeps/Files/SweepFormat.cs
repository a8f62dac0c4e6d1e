using System.Globalization;

namespace NtkSweep.Sweeps.Files;

/// <summary>Compact, culture-invariant text for values in sweep summaries (not for keys or storage).</summary>
internal static class SweepFormat
{
    /// <summary>Whole numbers as integers, very small or large ones as 1e-4 / 3.16228e6, others to 6 digits.</summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        var magnitude = Math.Abs(value);
        if (value == Math.Floor(value) && magnitude < 1e6)
        {
            return value.ToString("0", CultureInfo.InvariantCulture);
        }

        return magnitude is < 1e-3 or >= 1e6
            ? value.ToString("0.#####e0", CultureInfo.InvariantCulture)
            : value.ToString("G6", CultureInfo.InvariantCulture);
    }

    public static string Value(object value) => value switch
    {
        double number => Number(number),
        long whole => whole.ToString(CultureInfo.InvariantCulture),
        int whole => whole.ToString(CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        double[] list => "[" + string.Join(", ", list.Select(Number)) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>A work amount in GFLOP to about four significant digits.</summary>
    public static string Gflop(double flops)
    {
        var gflop = flops / 1e9;
        return gflop >= 1000
            ? gflop.ToString("0", CultureInfo.InvariantCulture)
            : gflop.ToString("G4", CultureInfo.InvariantCulture);
    }

    /// <summary>A duration in the largest unit that keeps it readable (s, min, h, days).</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 60 => seconds.ToString("0.##", CultureInfo.InvariantCulture) + " s",
        < 3600 => (seconds / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min",
        < 86400 => (seconds / 3600).ToString("0.#", CultureInfo.InvariantCulture) + " h",
        _ => (seconds / 86400).ToString("0.#", CultureInfo.InvariantCulture) + " days",
    };

    /// <summary>Seeds as "1..10" when they are a run of consecutive numbers from 1, else listed.</summary>
    public static string Seeds(IReadOnlyList<long> seeds)
    {
        var consecutive = seeds.Count > 3 && seeds.Select((seed, index) => seed == index + 1).All(matches => matches);
        return consecutive
            ? string.Create(CultureInfo.InvariantCulture, $"1..{seeds.Count}")
            : string.Join(", ", seeds.Select(seed => seed.ToString(CultureInfo.InvariantCulture)));
    }
}
