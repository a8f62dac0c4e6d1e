namespace NtkSweep.Sweeps.Reports.Svg;

internal enum LegendSymbol
{
    Line,
    LineWithMarker,
    Marker,
    Square,
    HatchedSquare,
    Ring,
}

/// <summary>One legend row: a symbol in a color and its text.</summary>
internal sealed record LegendEntry(string Label, string Color, LegendSymbol Symbol, string? Dash = null, string? Fill = null);

/// <summary>A column of legend rows; long labels wrap to the given width.</summary>
internal static class ChartLegend
{
    private const double RowHeight = 18;
    private const double SymbolWidth = 26;
    private const double FontSize = 11.5;

    public static double Height(IReadOnlyList<LegendEntry> entries, double width) =>
        entries.Sum(entry => Wrap(entry.Label, width - SymbolWidth).Count * (RowHeight - 4) + 4) + (entries.Count > 0 ? 6 : 0);

    public static void Draw(SvgCanvas canvas, double left, double top, double width, IReadOnlyList<LegendEntry> entries, string? title = null)
    {
        var y = top;
        if (title is not null)
        {
            canvas.Text(left, y + 12, title, 12, bold: true);
            y += RowHeight + 2;
        }

        foreach (var entry in entries)
        {
            var middle = y + RowHeight / 2 - 1;
            DrawSymbol(canvas, left, middle, entry);
            var lines = Wrap(entry.Label, width - SymbolWidth);
            for (var index = 0; index < lines.Count; index++)
            {
                canvas.Text(left + SymbolWidth, middle + 4 + index * (RowHeight - 4), lines[index], FontSize);
            }

            y += lines.Count * (RowHeight - 4) + 4;
        }
    }

    public static double TitleHeight => RowHeight + 2;

    private static void DrawSymbol(SvgCanvas canvas, double left, double middle, LegendEntry entry)
    {
        switch (entry.Symbol)
        {
            case LegendSymbol.Line:
                canvas.Line(left, middle, left + 20, middle, entry.Color, 2, entry.Dash);
                break;
            case LegendSymbol.LineWithMarker:
                canvas.Line(left, middle, left + 20, middle, entry.Color, 2, entry.Dash);
                canvas.Circle(left + 10, middle, 3.5, entry.Color, "#fff", 1);
                break;
            case LegendSymbol.Marker:
                canvas.Circle(left + 10, middle, 5, entry.Color, "#fff", 1, 0.8);
                break;
            case LegendSymbol.Ring:
                canvas.Circle(left + 10, middle, 5, entry.Fill ?? "#fff", entry.Color, 2);
                break;
            case LegendSymbol.Square:
                canvas.Rectangle(left + 2, middle - 7, 16, 14, entry.Fill ?? entry.Color, "#888", 1, entry.Dash);
                break;
            case LegendSymbol.HatchedSquare:
                canvas.Rectangle(left + 2, middle - 7, 16, 14, entry.Fill ?? entry.Color, "#888");
                break;
        }
    }

    /// <summary>Greedy word wrap by estimated text width.</summary>
    internal static List<string> Wrap(string text, double width)
    {
        var maximum = Math.Max(8, (int)(width / (FontSize * 0.6)));
        var lines = new List<string>();
        var current = string.Empty;
        foreach (var word in text.Split(' '))
        {
            if (current.Length == 0)
            {
                current = word;
            }
            else if (current.Length + 1 + word.Length <= maximum)
            {
                current += " " + word;
            }
            else
            {
                lines.Add(current);
                current = word;
            }
        }

        lines.Add(current);
        return lines;
    }
}
