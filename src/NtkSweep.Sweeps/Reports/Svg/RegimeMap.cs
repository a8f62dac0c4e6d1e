namespace NtkSweep.Sweeps.Reports.Svg;

/// <summary>A rectangular cell of the map in data coordinates, with the text printed in it.</summary>
internal sealed record RegimeTile(double X0, double X1, double Y0, double Y1, CellRegime Regime, string MainText, string SubText, string Tooltip)
{
    /// <summary>The cell's drill-down page, relative to report.html; the tile links to it.</summary>
    public string? Link { get; init; }
}

/// <summary>A cell drawn as a square marker at a point, for maps whose cells do not form a grid (presets in (γ′, γ)).</summary>
internal sealed record RegimeMarker(double X, double Y, CellRegime Regime, string Label, string Tooltip)
{
    /// <summary>The cell's drill-down page, relative to report.html.</summary>
    public string? Link { get; init; }
}

/// <summary>
/// The regime map: cells colored by regime with their slope printed in them, diverged cells hatched, and in the
/// (γ′, γ) plane Luo et al.'s kinked boundary with the two sides named and the mean-field point marked.
/// </summary>
internal sealed class RegimeMap
{
    private const double TileGap = 1.5;

    public required ChartAxis XAxis { get; init; }

    /// <summary>Null for a one-dimensional strip.</summary>
    public ChartAxis? YAxis { get; init; }

    public IReadOnlyList<RegimeTile> Tiles { get; init; } = [];

    public IReadOnlyList<RegimeMarker> Markers { get; init; } = [];

    public bool LuoBoundary { get; init; }

    /// <summary>Where the fitted RD_w slope crosses 0 between neighbouring cells (the measured boundary), in data coordinates.</summary>
    public IReadOnlyList<(double X, double Y)> MeasuredBoundary { get; init; } = [];

    public double PlotWidth { get; init; } = 480;

    public double PlotHeight { get; init; } = 360;

    public double LegendWidth { get; init; } = 250;

    public string Render(string idPrefix, string description)
    {
        var legend = BuildLegend(idPrefix + "-hatch");
        var left = PlotFrame.LeftMargin(YAxis);
        const double top = 16;
        var bottom = PlotFrame.BottomMargin(XAxis, PlotWidth);
        var legendHeight = ChartLegend.Height(legend, LegendWidth) + ChartLegend.TitleHeight;
        var height = Math.Max(top + PlotHeight + bottom, top + legendHeight + 10);
        var width = left + PlotWidth + 24 + LegendWidth;
        var canvas = new SvgCanvas(width, height, idPrefix, description);
        var hatch = canvas.HatchPattern("hatch", RegimePalette.DivergedFill, "#9a9a9a");
        var frame = new PlotFrame(canvas, left, top, PlotWidth, PlotHeight, XAxis, YAxis);
        frame.DrawBackground(grid: LuoBoundary);

        canvas.BeginGroup(frame.ClipId);
        var fontSize = TileFontSize(frame);
        foreach (var tile in Tiles)
        {
            var (x0, x1, y0, y1) = TilePixels(frame, tile);
            var fill = tile.Regime == CellRegime.Diverged ? $"url(#{hatch})" : RegimePalette.Fill(tile.Regime);
            var dash = tile.Regime is CellRegime.NoData or CellRegime.Pending ? "4 3" : null;
            canvas.BeginLink(tile.Link);
            canvas.Rectangle(x0 + TileGap, y0 + TileGap, x1 - x0 - 2 * TileGap, y1 - y0 - 2 * TileGap, fill, "#fff", 1, dash, tile.Tooltip);
            canvas.EndLink(tile.Link);
        }

        if (LuoBoundary && YAxis is not null)
        {
            var boundary = LuoTheory.Boundary(XAxis.Minimum, XAxis.Maximum);
            canvas.Polyline(boundary.Select(point => (frame.X(point.GammaPrime), frame.Y(point.Gamma))), RegimePalette.Boundary, 2.5, "9 5", "theoretical boundary {γ = 1, γ′ ≤ 0} ∪ {γ′ = γ − 1, γ ≥ 1}", "luo-boundary");
        }

        foreach (var (x, y) in MeasuredBoundary)
        {
            canvas.Circle(frame.X(x), frame.Y(y), 2.6, RegimePalette.MeasuredBoundary, "#fff", 0.8, tooltip: $"measured boundary: s(RD_w) = 0 near (γ′, γ) = ({ReportText.Number(x, 3)}, {ReportText.Number(y, 3)})");
        }

        if (LuoBoundary && YAxis is not null && Markers.Count > 0 && ContainsMeanField())
        {
            // Around the markers rather than over them, so a cell at the mean-field point keeps its colour visible.
            canvas.Circle(frame.X(0), frame.Y(1), 14, "none", RegimePalette.Boundary, 2, tooltip: "mean-field point (γ′, γ) = (0, 1)");
        }

        foreach (var marker in Markers)
        {
            var x = frame.X(marker.X);
            var y = frame.Y(marker.Y);
            var fill = marker.Regime == CellRegime.Diverged ? $"url(#{hatch})" : RegimePalette.Fill(marker.Regime);
            canvas.BeginLink(marker.Link);
            canvas.Rectangle(x - 8, y - 8, 16, 16, fill, "#333", 1.2, tooltip: marker.Tooltip);
            canvas.EndLink(marker.Link);
        }

        canvas.EndGroup();

        foreach (var tile in Tiles)
        {
            var (x0, x1, y0, y1) = TilePixels(frame, tile);
            var centerX = (x0 + x1) / 2;
            var centerY = (y0 + y1) / 2;
            var subSize = Math.Min(fontSize * 0.85, (x1 - x0 - 8) / Math.Max(1, tile.SubText.Length * 0.6));
            var twoLines = tile.SubText.Length > 0 && subSize >= 6.5 && y1 - y0 >= fontSize + subSize + 22;
            if (twoLines)
            {
                // The lines sit above and below the centre, which the boundary and the mean-field mark may cross.
                canvas.Text(centerX, centerY - 7, tile.MainText, fontSize, TextAnchor.Middle, bold: true, halo: true);
                canvas.Text(centerX, centerY + 7 + 0.8 * subSize, tile.SubText, subSize, TextAnchor.Middle, "#333", halo: true);
            }
            else
            {
                canvas.Text(centerX, centerY + 0.35 * fontSize, tile.MainText, fontSize, TextAnchor.Middle, bold: true, halo: true);
            }
        }

        DrawMarkerLabels(canvas, frame);
        if (LuoBoundary && YAxis is not null)
        {
            DrawTheoryAnnotations(canvas, frame);
        }

        frame.DrawAxes();
        ChartLegend.Draw(canvas, frame.Right + 24, top, LegendWidth - 8, legend, "Regime (colour)");
        return canvas.ToString();
    }

    private double TileFontSize(PlotFrame frame)
    {
        if (Tiles.Count == 0)
        {
            return 12;
        }

        var narrowest = Tiles.Min(tile =>
        {
            var (x0, x1, _, _) = TilePixels(frame, tile);
            return x1 - x0;
        });
        var longest = Tiles.Max(tile => tile.MainText.Length);
        return Math.Clamp((narrowest - 8) / Math.Max(1, longest * 0.64), 7.5, 12.5);
    }

    private static (double X0, double X1, double Y0, double Y1) TilePixels(PlotFrame frame, RegimeTile tile)
    {
        var x0 = frame.X(tile.X0);
        var x1 = frame.X(tile.X1);
        double y0;
        double y1;
        if (frame.YAxis is null)
        {
            y0 = frame.Top;
            y1 = frame.Bottom;
        }
        else
        {
            y0 = frame.Y(tile.Y1);
            y1 = frame.Y(tile.Y0);
        }

        return (Math.Min(x0, x1), Math.Max(x0, x1), Math.Min(y0, y1), Math.Max(y0, y1));
    }

    /// <summary>Labels right of each marker, pushed down when they would overlap a label already placed.</summary>
    private void DrawMarkerLabels(SvgCanvas canvas, PlotFrame frame)
    {
        var placed = new List<(double X0, double X1, double Y)>();
        foreach (var marker in Markers.OrderBy(marker => frame.Y(marker.Y)).ThenBy(marker => frame.X(marker.X)))
        {
            var x = frame.X(marker.X);
            var y = frame.Y(marker.Y) + 4;
            var labelWidth = SvgCanvas.TextWidth(marker.Label, 11);
            // Clear of the marker and of the mean-field ring around it.
            var anchor = x + 18 + labelWidth > frame.Right ? TextAnchor.End : TextAnchor.Start;
            var textX = anchor == TextAnchor.End ? x - 18 : x + 18;
            var extentLeft = anchor == TextAnchor.End ? textX - labelWidth : textX;
            while (placed.Any(other => Math.Abs(other.Y - y) < 13 && other.X0 < extentLeft + labelWidth && extentLeft < other.X1))
            {
                y += 13;
            }

            placed.Add((extentLeft, extentLeft + labelWidth, y));
            canvas.Text(textX, y, marker.Label, 11, anchor, halo: true);
        }
    }

    private void DrawTheoryAnnotations(SvgCanvas canvas, PlotFrame frame)
    {
        if (Markers.Count == 0 && ContainsMeanField())
        {
            var x = frame.X(0);
            var y = frame.Y(1);
            canvas.Circle(x, y, 5, "#fff", RegimePalette.Boundary, 2.5, tooltip: "mean-field point (γ′, γ) = (0, 1)");
            canvas.Circle(x, y, 1.8, RegimePalette.Boundary);
        }

        // Region names go in the empty bands the caller leaves around the cells, in a corner that theory puts on that side.
        PlaceRegionLabel(canvas, frame, "condensed (γ > 1, γ′ < γ − 1)", TheorySide.Condensed, preferTop: true);
        PlaceRegionLabel(canvas, frame, "linear (NTK) (γ < 1 or γ′ > γ − 1)", TheorySide.Linear, preferTop: false);
    }

    private void PlaceRegionLabel(SvgCanvas canvas, PlotFrame frame, string text, TheorySide side, bool preferTop)
    {
        const double fontSize = 12;
        var textWidth = SvgCanvas.TextWidth(text, fontSize);
        double[] rows = preferTop ? [frame.Top + 17, frame.Bottom - 8] : [frame.Bottom - 8, frame.Top + 17];
        foreach (var row in rows)
        {
            foreach (var leftAligned in preferTop ? new[] { true, false } : [false, true])
            {
                var startX = leftAligned ? frame.Left + 6 : frame.Right - 6 - textWidth;
                var endX = startX + textWidth;
                var dataY = Inverse(YAxis!, frame.Bottom - row + 4, frame.Height);
                var startSide = LuoTheory.SideOf(Inverse(XAxis, startX - frame.Left, frame.Width), dataY);
                var endSide = LuoTheory.SideOf(Inverse(XAxis, endX - frame.Left, frame.Width), dataY);
                if (startSide == side && endSide == side)
                {
                    canvas.Text(leftAligned ? startX : endX, row, text, fontSize, leftAligned ? TextAnchor.Start : TextAnchor.End, "#111", bold: true, halo: true, italic: true);
                    return;
                }
            }
        }
    }

    private bool ContainsMeanField() =>
        YAxis is not null && XAxis.Minimum <= 0 && XAxis.Maximum >= 0 && YAxis.Minimum <= 1 && YAxis.Maximum >= 1;

    private static double Inverse(ChartAxis axis, double pixel, double length) =>
        axis.Minimum + pixel / length * (axis.Maximum - axis.Minimum);

    private List<LegendEntry> BuildLegend(string hatchId)
    {
        var regimes = Tiles.Select(tile => tile.Regime).Concat(Markers.Select(marker => marker.Regime)).Distinct().Order().ToArray();
        var entries = regimes
            .Select(regime => new LegendEntry(
                ReportText.RegimeLabel(regime),
                RegimePalette.Fill(regime),
                regime == CellRegime.Diverged ? LegendSymbol.HatchedSquare : LegendSymbol.Square,
                regime is CellRegime.NoData or CellRegime.Pending ? "4 3" : null,
                regime == CellRegime.Diverged ? $"url(#{hatchId})" : null))
            .ToList();
        if (LuoBoundary && YAxis is not null)
        {
            entries.Add(new LegendEntry("theoretical boundary (Luo et al.)", RegimePalette.Boundary, LegendSymbol.Line, "9 5"));
            entries.Add(new LegendEntry("mean-field point (0, 1)", RegimePalette.Boundary, LegendSymbol.Ring));
        }

        if (MeasuredBoundary.Count > 0)
        {
            entries.Add(new LegendEntry("measured boundary (fitted slope s = 0)", RegimePalette.MeasuredBoundary, LegendSymbol.Marker));
        }

        return entries;
    }
}
