namespace NtkSweep.Sweeps.Reports.Svg;

/// <summary>
/// The plotting rectangle of a chart: maps data to pixels, draws the grid, the axes with their ticks and titles, and
/// clips data marks to the rectangle.
/// </summary>
internal sealed class PlotFrame
{
    private const string GridColor = "#e3e3e3";
    private const string AxisColor = "#555";

    private readonly SvgCanvas canvas;

    public PlotFrame(SvgCanvas canvas, double left, double top, double width, double height, ChartAxis xAxis, ChartAxis? yAxis)
    {
        this.canvas = canvas;
        Left = left;
        Top = top;
        Width = width;
        Height = height;
        XAxis = xAxis;
        YAxis = yAxis;
        ClipId = canvas.ClipRectangle("plot", left, top, width, height);
    }

    public double Left { get; }

    public double Top { get; }

    public double Width { get; }

    public double Height { get; }

    public double Right => Left + Width;

    public double Bottom => Top + Height;

    public ChartAxis XAxis { get; }

    public ChartAxis? YAxis { get; }

    public string ClipId { get; }

    public double X(double value) => Left + XAxis.Fraction(value) * Width;

    public double Y(double value) => YAxis is null ? Top + Height / 2 : Bottom - YAxis.Fraction(value) * Height;

    public bool CanShow(double x, double y) => XAxis.CanShow(x) && (YAxis is null || YAxis.CanShow(y));

    public void DrawBackground(bool grid = true)
    {
        canvas.Rectangle(Left, Top, Width, Height, "#fff", "#ccc");
        if (!grid)
        {
            return;
        }

        foreach (var tick in XAxis.Ticks)
        {
            var x = X(tick.Value);
            canvas.Line(x, Top, x, Bottom, GridColor);
        }

        if (YAxis is not null)
        {
            foreach (var tick in YAxis.Ticks)
            {
                var y = Y(tick.Value);
                canvas.Line(Left, y, Right, y, GridColor);
            }
        }
    }

    /// <summary>Axis lines, ticks, tick labels (thinned so they never overlap) and axis titles.</summary>
    public void DrawAxes(double tickFontSize = 11)
    {
        canvas.Line(Left, Bottom, Right, Bottom, AxisColor);
        var xTicks = XAxis.Ticks;
        var widest = xTicks.Count == 0 ? 0 : xTicks.Max(tick => SvgCanvas.TextWidth(tick.Label, tickFontSize));
        var spacing = xTicks.Count > 1 ? Width / (xTicks.Count - 1) * Math.Abs(XAxis.Fraction(xTicks[^1].Value) - XAxis.Fraction(xTicks[0].Value)) : Width;
        var stride = Math.Max(1, (int)Math.Ceiling((widest + 6) / Math.Max(1, spacing)));
        var rotateLabels = false;
        if (stride > 1 && xTicks.Count <= 24)
        {
            // Categories must all be named: tilt them instead of dropping some.
            rotateLabels = true;
            stride = 1;
        }

        for (var index = 0; index < xTicks.Count; index++)
        {
            var x = X(xTicks[index].Value);
            canvas.Line(x, Bottom, x, Bottom + 5, AxisColor);
            if (index % stride != 0)
            {
                continue;
            }

            if (rotateLabels)
            {
                canvas.Text(x, Bottom + 16, xTicks[index].Label, tickFontSize, TextAnchor.End, rotate: -35);
            }
            else
            {
                canvas.Text(x, Bottom + 17, xTicks[index].Label, tickFontSize, TextAnchor.Middle);
            }
        }

        var xTitleOffset = rotateLabels ? 16 + widest * 0.6 + 16 : 38;
        canvas.Text(Left + Width / 2, Bottom + xTitleOffset, XAxis.Title, 12, TextAnchor.Middle, bold: true);

        if (YAxis is null)
        {
            return;
        }

        canvas.Line(Left, Top, Left, Bottom, AxisColor);
        var yTicks = YAxis.Ticks;
        var yStride = Math.Max(1, (int)Math.Ceiling(16 / Math.Max(1, Height / Math.Max(1, yTicks.Count))));
        var labelWidth = 0.0;
        for (var index = 0; index < yTicks.Count; index++)
        {
            var y = Y(yTicks[index].Value);
            canvas.Line(Left - 5, y, Left, y, AxisColor);
            if (index % yStride == 0)
            {
                canvas.Text(Left - 8, y + 4, yTicks[index].Label, tickFontSize, TextAnchor.End);
                labelWidth = Math.Max(labelWidth, SvgCanvas.TextWidth(yTicks[index].Label, tickFontSize));
            }
        }

        var titleX = Math.Max(14, Left - labelWidth - 18);
        canvas.Text(titleX, Top + Height / 2, YAxis.Title, 12, TextAnchor.Middle, bold: true, rotate: -90);
    }

    /// <summary>Room the y tick labels and title need to the left of the plot.</summary>
    public static double LeftMargin(ChartAxis? yAxis, double tickFontSize = 11)
    {
        if (yAxis is null)
        {
            return 20;
        }

        var widest = yAxis.Ticks.Count == 0 ? 0 : yAxis.Ticks.Max(tick => SvgCanvas.TextWidth(tick.Label, tickFontSize));
        return Math.Max(56, widest + 40);
    }

    /// <summary>Room the x tick labels and title need below the plot.</summary>
    public static double BottomMargin(ChartAxis xAxis, double plotWidth, double tickFontSize = 11)
    {
        var ticks = xAxis.Ticks;
        if (ticks.Count <= 1)
        {
            return 50;
        }

        var widest = ticks.Max(tick => SvgCanvas.TextWidth(tick.Label, tickFontSize));
        var spacing = plotWidth * Math.Abs(xAxis.Fraction(ticks[^1].Value) - xAxis.Fraction(ticks[0].Value)) / (ticks.Count - 1);
        var rotated = widest + 6 > spacing && ticks.Count <= 24;
        return rotated ? 16 + widest * 0.6 + 26 : 50;
    }
}
