namespace NtkSweep.Sweeps.Reports.Svg;

/// <summary>A data point with an optional interval (drawn as an error bar) and hover text.</summary>
internal sealed record ChartPoint(double X, double Y, double Low = double.NaN, double High = double.NaN, string? Tooltip = null);

/// <summary>A named series; without <see cref="Connect"/> it is markers only, without <see cref="Markers"/> a bare line.</summary>
internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint> Points)
{
    public string? Dash { get; init; }

    public bool Markers { get; init; } = true;

    public bool Connect { get; init; } = true;

    /// <summary>Horizontal shift in pixels, to dodge series that share x values.</summary>
    public double OffsetPixels { get; init; }

    /// <summary>Hidden from the legend (e.g. a fitted line that the data series' entry already names).</summary>
    public bool InLegend { get; init; } = true;
}

/// <summary>Lines with markers and error bars on linear or log axes, legend on the right.</summary>
internal sealed class LineChart
{
    public const double DefaultPlotWidth = 430;
    public const double DefaultPlotHeight = 300;
    public const double LegendWidth = 290;

    public required ChartAxis XAxis { get; init; }

    public required ChartAxis YAxis { get; init; }

    public required IReadOnlyList<ChartSeries> Series { get; init; }

    public string? LegendTitle { get; init; }

    public IReadOnlyList<LegendEntry> ExtraLegend { get; init; } = [];

    public double PlotWidth { get; init; } = DefaultPlotWidth;

    public double PlotHeight { get; init; } = DefaultPlotHeight;

    public string Render(string idPrefix, string description)
    {
        var legend = Series.Where(series => series.InLegend)
            .Select(series => new LegendEntry(series.Name, series.Color, series.Markers && series.Connect ? LegendSymbol.LineWithMarker : series.Markers ? LegendSymbol.Marker : LegendSymbol.Line, series.Dash))
            .Concat(ExtraLegend)
            .ToArray();
        var left = PlotFrame.LeftMargin(YAxis);
        const double top = 16;
        var bottom = PlotFrame.BottomMargin(XAxis, PlotWidth);
        var legendHeight = ChartLegend.Height(legend, LegendWidth) + (LegendTitle is null ? 0 : ChartLegend.TitleHeight);
        var height = Math.Max(top + PlotHeight + bottom, top + legendHeight + 10);
        var width = left + PlotWidth + 24 + LegendWidth;
        var canvas = new SvgCanvas(width, height, idPrefix, description);
        var frame = new PlotFrame(canvas, left, top, PlotWidth, PlotHeight, XAxis, YAxis);
        frame.DrawBackground();

        canvas.BeginGroup(frame.ClipId);
        foreach (var series in Series)
        {
            DrawSeries(canvas, frame, series);
        }

        canvas.EndGroup();
        frame.DrawAxes();
        ChartLegend.Draw(canvas, frame.Right + 24, top, LegendWidth - 8, legend, LegendTitle);
        return canvas.ToString();
    }

    private static void DrawSeries(SvgCanvas canvas, PlotFrame frame, ChartSeries series)
    {
        var visible = series.Points.Where(point => frame.CanShow(point.X, point.Y)).ToArray();
        if (series.Connect && visible.Length > 1)
        {
            canvas.Polyline(visible.Select(point => (frame.X(point.X) + series.OffsetPixels, frame.Y(point.Y))), series.Color, series.Markers ? 1.8 : 1.6, series.Dash);
        }

        if (!series.Markers)
        {
            return;
        }

        foreach (var point in visible)
        {
            var x = frame.X(point.X) + series.OffsetPixels;
            var y = frame.Y(point.Y);
            if (frame.YAxis is { } axis && axis.CanShow(point.Low) && axis.CanShow(point.High))
            {
                var low = frame.Y(point.Low);
                var high = frame.Y(point.High);
                canvas.Line(x, low, x, high, series.Color, 1.3);
                canvas.Line(x - 4, low, x + 4, low, series.Color, 1.3);
                canvas.Line(x - 4, high, x + 4, high, series.Color, 1.3);
            }

            canvas.Circle(x, y, 4, series.Color, "#fff", 1, tooltip: point.Tooltip);
        }
    }
}
