using System.Globalization;
using System.Text;

namespace NtkSweep.Sweeps.Reports.Svg;

internal enum TextAnchor
{
    Start,
    Middle,
    End,
}

/// <summary>
/// Builds one inline SVG element. Every text and attribute value is escaped here, and every number is written with
/// invariant culture and two decimals at most, so the same drawing always gives the same text.
/// </summary>
internal sealed class SvgCanvas
{
    public const string FontFamily = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

    private readonly StringBuilder definitions = new();
    private readonly StringBuilder body = new();
    private readonly string idPrefix;
    private readonly string description;

    public SvgCanvas(double width, double height, string idPrefix, string description)
    {
        Width = width;
        Height = height;
        this.idPrefix = idPrefix;
        this.description = description;
    }

    public double Width { get; }

    public double Height { get; }

    /// <summary>An element id unique in the page: several charts share one HTML document.</summary>
    public string Id(string name) => idPrefix + "-" + name;

    /// <summary>Rough width of a text in this font; DejaVu Sans averages about 0.6 em per character.</summary>
    public static double TextWidth(string text, double fontSize) => text.Length * fontSize * 0.6;

    public void Definition(string markup) => definitions.Append(markup).Append('\n');

    /// <summary>A diagonal hatch, used for diverged cells.</summary>
    public string HatchPattern(string name, string background, string stroke)
    {
        var id = Id(name);
        Definition($"<pattern id=\"{id}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">" +
            $"<rect width=\"8\" height=\"8\" fill=\"{Escape(background)}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"{Escape(stroke)}\" stroke-width=\"3\"/></pattern>");
        return id;
    }

    public string ClipRectangle(string name, double x, double y, double width, double height)
    {
        var id = Id(name);
        Definition($"<clipPath id=\"{id}\"><rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\"/></clipPath>");
        return id;
    }

    public void BeginGroup(string? clipId = null, string? cssClass = null)
    {
        body.Append("<g");
        if (clipId is not null)
        {
            body.Append(" clip-path=\"url(#").Append(Escape(clipId)).Append(")\"");
        }

        if (cssClass is not null)
        {
            body.Append(" class=\"").Append(Escape(cssClass)).Append('"');
        }

        body.Append(">\n");
    }

    public void EndGroup() => body.Append("</g>\n");

    /// <summary>Opens a link around what follows (nothing when <paramref name="href"/> is null).</summary>
    public void BeginLink(string? href)
    {
        if (href is not null)
        {
            body.Append("<a href=\"").Append(Escape(href)).Append("\">");
        }
    }

    public void EndLink(string? href)
    {
        if (href is not null)
        {
            body.Append("</a>\n");
        }
    }

    public void Rectangle(double x, double y, double width, double height, string fill, string? stroke = null, double strokeWidth = 1, string? dash = null, string? tooltip = null)
    {
        body.Append("<rect x=\"").Append(N(x)).Append("\" y=\"").Append(N(y))
            .Append("\" width=\"").Append(N(Math.Max(0, width))).Append("\" height=\"").Append(N(Math.Max(0, height)))
            .Append("\" fill=\"").Append(Escape(fill)).Append('"');
        AppendStroke(stroke, strokeWidth, dash);
        Close("rect", tooltip);
    }

    public void Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, string? dash = null)
    {
        body.Append("<line x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1))
            .Append("\" x2=\"").Append(N(x2)).Append("\" y2=\"").Append(N(y2)).Append('"');
        AppendStroke(stroke, strokeWidth, dash);
        body.Append("/>\n");
    }

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double strokeWidth = 1.5, string? dash = null, string? tooltip = null, string? cssClass = null)
    {
        body.Append("<polyline");
        if (cssClass is not null)
        {
            body.Append(" class=\"").Append(Escape(cssClass)).Append('"');
        }

        body.Append(" points=\"").Append(Points(points)).Append("\" fill=\"none\"");
        AppendStroke(stroke, strokeWidth, dash);
        body.Append(" stroke-linejoin=\"round\"");
        Close("polyline", tooltip);
    }

    public void Polygon(IEnumerable<(double X, double Y)> points, string fill, string? stroke = null, double strokeWidth = 1, string? tooltip = null)
    {
        body.Append("<polygon points=\"").Append(Points(points)).Append("\" fill=\"").Append(Escape(fill)).Append('"');
        AppendStroke(stroke, strokeWidth, null);
        Close("polygon", tooltip);
    }

    public void Circle(double cx, double cy, double radius, string fill, string? stroke = null, double strokeWidth = 1, double opacity = 1, string? tooltip = null)
    {
        body.Append("<circle cx=\"").Append(N(cx)).Append("\" cy=\"").Append(N(cy)).Append("\" r=\"").Append(N(radius))
            .Append("\" fill=\"").Append(Escape(fill)).Append('"');
        if (opacity < 1)
        {
            body.Append(" fill-opacity=\"").Append(N(opacity)).Append('"');
        }

        AppendStroke(stroke, strokeWidth, null);
        Close("circle", tooltip);
    }

    /// <summary>A text; <paramref name="halo"/> draws a white outline under it so it stays legible over lines and fills.</summary>
    public void Text(
        double x,
        double y,
        string text,
        double fontSize = 12,
        TextAnchor anchor = TextAnchor.Start,
        string fill = "#222",
        bool bold = false,
        double rotate = 0,
        bool halo = false,
        bool italic = false)
    {
        body.Append("<text x=\"").Append(N(x)).Append("\" y=\"").Append(N(y)).Append("\" font-size=\"").Append(N(fontSize)).Append('"');
        if (anchor != TextAnchor.Start)
        {
            body.Append(" text-anchor=\"").Append(anchor == TextAnchor.Middle ? "middle" : "end").Append('"');
        }

        if (fill != "#222")
        {
            body.Append(" fill=\"").Append(Escape(fill)).Append('"');
        }

        if (bold)
        {
            body.Append(" font-weight=\"bold\"");
        }

        if (italic)
        {
            body.Append(" font-style=\"italic\"");
        }

        if (rotate != 0)
        {
            body.Append(" transform=\"rotate(").Append(N(rotate)).Append(' ').Append(N(x)).Append(' ').Append(N(y)).Append(")\"");
        }

        if (halo)
        {
            body.Append(" stroke=\"#fff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"");
        }

        body.Append('>').Append(Escape(text)).Append("</text>\n");
    }

    public override string ToString()
    {
        var svg = new StringBuilder(body.Length + definitions.Length + 512);
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(N(Width)).Append("\" height=\"").Append(N(Height))
            .Append("\" viewBox=\"0 0 ").Append(N(Width)).Append(' ').Append(N(Height))
            .Append("\" role=\"img\" aria-label=\"").Append(Escape(description))
            .Append("\" font-family=\"").Append(Escape(FontFamily)).Append("\">\n");
        svg.Append("<title>").Append(Escape(description)).Append("</title>\n");
        if (definitions.Length > 0)
        {
            svg.Append("<defs>\n").Append(definitions).Append("</defs>\n");
        }

        svg.Append(body).Append("</svg>");
        return svg.ToString();
    }

    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            builder.Append(character switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => character.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>A coordinate: invariant, at most two decimals, no "-0".</summary>
    public static string N(double value)
    {
        var rounded = Math.Round(value, 2);
        if (rounded == 0 || !double.IsFinite(rounded))
        {
            return "0";
        }

        return rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }

    private static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(' ', points.Select(point => N(point.X) + "," + N(point.Y)));

    private void AppendStroke(string? stroke, double strokeWidth, string? dash)
    {
        if (stroke is null)
        {
            return;
        }

        body.Append(" stroke=\"").Append(Escape(stroke)).Append("\" stroke-width=\"").Append(N(strokeWidth)).Append('"');
        if (dash is not null)
        {
            body.Append(" stroke-dasharray=\"").Append(Escape(dash)).Append('"');
        }
    }

    private void Close(string element, string? tooltip)
    {
        if (tooltip is null)
        {
            body.Append("/>\n");
        }
        else
        {
            body.Append("><title>").Append(Escape(tooltip)).Append("</title></").Append(element).Append(">\n");
        }
    }
}
