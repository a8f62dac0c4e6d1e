namespace NtkSweep.Sweeps.Reports.Svg;

internal readonly record struct AxisTick(double Value, string Label);

/// <summary>
/// One chart axis: a linear or logarithmic map from data to [0, 1] with readable ticks (1-2-5 steps, decades), or
/// categories at 0, 1, 2 … with their names as ticks.
/// </summary>
internal sealed class ChartAxis
{
    private ChartAxis(double minimum, double maximum, bool logarithmic, string title, IReadOnlyList<AxisTick> ticks)
    {
        Minimum = minimum;
        Maximum = maximum;
        Logarithmic = logarithmic;
        Title = title;
        Ticks = ticks;
    }

    public double Minimum { get; }

    public double Maximum { get; }

    public bool Logarithmic { get; }

    public string Title { get; }

    public IReadOnlyList<AxisTick> Ticks { get; }

    /// <summary>Where a value sits along the axis, 0 at the minimum and 1 at the maximum.</summary>
    public double Fraction(double value)
    {
        if (Logarithmic)
        {
            return (Math.Log10(value) - Math.Log10(Minimum)) / (Math.Log10(Maximum) - Math.Log10(Minimum));
        }

        return (value - Minimum) / (Maximum - Minimum);
    }

    /// <summary>Whether a value can be drawn on this axis (positive on a log axis, finite always).</summary>
    public bool CanShow(double value) => double.IsFinite(value) && (!Logarithmic || value > 0);

    /// <summary>A linear axis over the data with a little padding and rounded ends.</summary>
    public static ChartAxis Linear(IEnumerable<double> values, string title, bool includeZero = false, double padding = 0.05)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (includeZero)
        {
            finite.Add(0);
        }

        if (finite.Count == 0)
        {
            finite.AddRange([0, 1]);
        }

        var low = finite.Min();
        var high = finite.Max();
        if (high - low < 1e-12 * Math.Max(1, Math.Abs(high)))
        {
            var spread = Math.Abs(high) > 0 ? Math.Abs(high) * 0.5 : 1;
            low -= spread;
            high += spread;
        }

        var span = high - low;
        low -= span * padding;
        high += span * padding;
        var step = NiceStep((high - low) / 5);
        return LinearRange(Math.Floor(low / step + 1e-9) * step, Math.Ceiling(high / step - 1e-9) * step, title);
    }

    /// <summary>A linear axis over exactly [minimum, maximum], ticks every nice step inside.</summary>
    public static ChartAxis LinearRange(double minimum, double maximum, string title, double? stepHint = null)
    {
        var step = stepHint ?? NiceStep((maximum - minimum) / 5);
        var ticks = new List<AxisTick>();
        var first = Math.Ceiling(minimum / step - 1e-9);
        for (var index = first; index * step <= maximum + step * 1e-9; index++)
        {
            var value = index * step;
            if (Math.Abs(value) < step * 1e-9)
            {
                value = 0;
            }

            ticks.Add(new AxisTick(value, ReportText.Number(value, 3)));
        }

        return new ChartAxis(minimum, maximum, false, title, ticks);
    }

    /// <summary>The same range with a tick at each given value inside it (a map's grid values), labelled to 3 digits.</summary>
    public ChartAxis WithTicksAt(IEnumerable<double> values) => new(
        Minimum,
        Maximum,
        Logarithmic,
        Title,
        [.. values.Where(value => value >= Minimum && value <= Maximum).Distinct().Order().Select(value => new AxisTick(value, ReportText.Number(value, 3)))]);

    /// <summary>A log axis over the positive data, padded by a fraction of its span in decades.</summary>
    public static ChartAxis Logarithmic10(IEnumerable<double> values, string title, IReadOnlyList<double>? tickValues = null)
    {
        var positive = values.Where(value => double.IsFinite(value) && value > 0).ToArray();
        if (positive.Length == 0)
        {
            positive = [0.1, 1];
        }

        var low = Math.Log10(positive.Min());
        var high = Math.Log10(positive.Max());
        if (high - low < 0.3)
        {
            var middle = 0.5 * (low + high);
            low = middle - 0.15;
            high = middle + 0.15;
        }

        var pad = (high - low) * 0.06;
        var minimum = Math.Pow(10, low - pad);
        var maximum = Math.Pow(10, high + pad);
        var ticks = tickValues is not null
            ? tickValues.Where(value => value >= minimum && value <= maximum).Select(value => new AxisTick(value, ReportText.Number(value, 3))).ToArray()
            : LogTicks(minimum, maximum);
        return new ChartAxis(minimum, maximum, true, title, ticks);
    }

    /// <summary>Categories at 0 … n−1, each half a unit from the ends.</summary>
    public static ChartAxis Categories(IReadOnlyList<string> names, string title) =>
        new(-0.5, names.Count - 0.5, false, title, names.Select((name, index) => new AxisTick(index, name)).ToArray());

    private static AxisTick[] LogTicks(double minimum, double maximum)
    {
        var lowDecade = (int)Math.Floor(Math.Log10(minimum));
        var highDecade = (int)Math.Ceiling(Math.Log10(maximum));
        var decades = highDecade - lowDecade;
        double[] multipliers = decades >= 3 ? [1] : decades == 2 ? [1, 3] : [1, 2, 5];
        var stride = decades > 8 ? 2 : 1;
        var ticks = new List<AxisTick>();
        for (var decade = lowDecade; decade <= highDecade; decade++)
        {
            foreach (var multiplier in multipliers)
            {
                if (multiplier == 1 && (decade - lowDecade) % stride != 0)
                {
                    continue;
                }

                var value = multiplier * Math.Pow(10, decade);
                if (value >= minimum * (1 - 1e-9) && value <= maximum * (1 + 1e-9))
                {
                    ticks.Add(new AxisTick(value, ReportText.Number(value, 3)));
                }
            }
        }

        if (ticks.Count < 2)
        {
            // Less than a decade: 1…9 multiples keep at least two labelled ticks.
            ticks.Clear();
            for (var decade = lowDecade; decade <= highDecade; decade++)
            {
                for (var multiplier = 1; multiplier <= 9; multiplier++)
                {
                    var value = multiplier * Math.Pow(10, decade);
                    if (value >= minimum && value <= maximum)
                    {
                        ticks.Add(new AxisTick(value, ReportText.Number(value, 3)));
                    }
                }
            }
        }

        return ticks.ToArray();
    }

    private static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }
}
