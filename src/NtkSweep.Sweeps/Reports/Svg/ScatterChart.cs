namespace NtkSweep.Sweeps.Reports.Svg;

/// <summary>A marker of its own size and color.</summary>
internal sealed record ScatterPoint(double X, double Y, double Radius, string Color, string? Tooltip = null);

/// <summary>A labelled reference mark, e.g. a teacher direction: a ring with a text beside it.</summary>
internal sealed record ReferenceMark(double X, double Y, string Label, string Color);

/// <summary>Markers of varying size on linear axes, with reference marks and optional unit-circle guide.</summary>
internal sealed class ScatterChart
{
    public required ChartAxis XAxis { get; init; }

    public required ChartAxis YAxis { get; init; }

    public required IReadOnlyList<ScatterPoint> Points { get; init; }

    public IReadOnlyList<ReferenceMark> References { get; init; } = [];

    public IReadOnlyList<LegendEntry> Legend { get; init; } = [];

    /// <summary>Draw the unit circle (for cosines to two orthonormal directions, which lie inside it).</summary>
    public bool UnitCircle { get; init; }

    /// <summary>Draw the zero lines of both axes.</summary>
    public bool ZeroLines { get; init; } = true;

    public double PlotWidth { get; init; } = 340;

    public double PlotHeight { get; init; } = 340;

    public double LegendWidth { get; init; } = 250;

    public string Render(string idPrefix, string description)
    {
        var left = PlotFrame.LeftMargin(YAxis);
        const double top = 16;
        var bottom = PlotFrame.BottomMargin(XAxis, PlotWidth);
        var legendHeight = ChartLegend.Height(Legend, LegendWidth);
        var height = Math.Max(top + PlotHeight + bottom, top + legendHeight + 10);
        var width = left + PlotWidth + 24 + LegendWidth;
        var canvas = new SvgCanvas(width, height, idPrefix, description);
        var frame = new PlotFrame(canvas, left, top, PlotWidth, PlotHeight, XAxis, YAxis);
        frame.DrawBackground();
        canvas.BeginGroup(frame.ClipId);
        if (ZeroLines)
        {
            if (XAxis.Minimum < 0 && XAxis.Maximum > 0)
            {
                canvas.Line(frame.X(0), frame.Top, frame.X(0), frame.Bottom, "#999", 1);
            }

            if (YAxis.Minimum < 0 && YAxis.Maximum > 0)
            {
                canvas.Line(frame.Left, frame.Y(0), frame.Right, frame.Y(0), "#999", 1);
            }
        }

        if (UnitCircle)
        {
            var circle = Enumerable.Range(0, 121).Select(step => step * Math.PI / 60).Select(angle => (frame.X(Math.Cos(angle)), frame.Y(Math.Sin(angle))));
            canvas.Polyline(circle, "#aaa", 1, "4 3");
        }

        // Largest first, so small neurons stay visible on top of big ones.
        foreach (var point in Points.Where(point => frame.CanShow(point.X, point.Y)).OrderByDescending(point => point.Radius))
        {
            canvas.Circle(frame.X(point.X), frame.Y(point.Y), point.Radius, point.Color, "#333", 0.5, 0.55, point.Tooltip);
        }

        canvas.EndGroup();
        foreach (var reference in References)
        {
            var x = frame.X(reference.X);
            var y = frame.Y(reference.Y);
            canvas.Circle(x, y, 7, "none", reference.Color, 2.5);
            canvas.Line(x - 10, y, x + 10, y, reference.Color, 1.5);
            canvas.Line(x, y - 10, x, y + 10, reference.Color, 1.5);
            var anchor = x > frame.Left + frame.Width * 0.7 ? TextAnchor.End : TextAnchor.Start;
            var offset = anchor == TextAnchor.End ? -12 : 12;
            var labelY = y < frame.Top + 24 ? y + 22 : y - 10;
            canvas.Text(x + offset, labelY, reference.Label, 11.5, anchor, reference.Color, bold: true, halo: true);
        }

        frame.DrawAxes();
        ChartLegend.Draw(canvas, frame.Right + 24, top, LegendWidth - 8, Legend);
        return canvas.ToString();
    }
}
