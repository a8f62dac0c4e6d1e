namespace NtkSweep.Sweeps.Reports.Svg;

/// <summary>Colors of the report: regimes on a cool (lazy) to warm (condensed) scale, and series palettes.</summary>
internal static class RegimePalette
{
    /// <summary>Distinguishable series colors (Tableau 10 order), for cells and runs.</summary>
    public static readonly IReadOnlyList<string> Series =
    [
        "#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#9c755f", "#edc948", "#ff9da7", "#bab0ac",
    ];

    /// <summary>A dark-to-light sequence for ordered series such as widths (viridis-like).</summary>
    public static readonly IReadOnlyList<string> Sequential =
    [
        "#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#d5b60a",
    ];

    public const string PositiveMass = "#2c6fbb";
    public const string NegativeMass = "#d1495b";
    public const string Boundary = "#111";
    public const string DivergedFill = "#c8c8c8";
    public const string MeasuredBoundary = "#5b2a86";

    public static string Fill(CellRegime regime) => regime switch
    {
        CellRegime.Lazy => "#9ecae1",
        CellRegime.Critical => "#fee391",
        CellRegime.Condensed => "#f4845f",
        CellRegime.FeatureLearning => "#f9b99f",
        CellRegime.Intermediate => "#d4cbe8",
        CellRegime.Diverged => DivergedFill,
        CellRegime.Pending => "#f3f3f3",
        _ => "#ffffff",
    };

    public static string SeriesColor(int index) => Series[index % Series.Count];

    /// <summary>Spreads n ordered series over the sequential palette.</summary>
    public static string SequentialColor(int index, int count)
    {
        if (count <= 1)
        {
            return Sequential[2];
        }

        var position = (int)Math.Round(index * (Sequential.Count - 1) / (double)(count - 1));
        return Sequential[Math.Clamp(position, 0, Sequential.Count - 1)];
    }
}
