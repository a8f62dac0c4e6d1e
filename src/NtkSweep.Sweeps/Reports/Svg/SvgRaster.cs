using SkiaSharp;
using Svg.Skia;

namespace NtkSweep.Sweeps.Reports.Svg;

/// <summary>
/// The PNG of a figure, rasterized from the report's own SVG (Svg.Skia on SkiaSharp), so the two downloads show the same
/// drawing. The SVG stays the source: it is self-contained, byte-identical across runs and machines, and scales for a
/// paper; the PNG is for slides and chats. Same SVG, same machine: same bytes (text uses the system's fonts, so another
/// machine may differ in its glyphs).
/// </summary>
internal static class SvgRaster
{
    /// <summary>Pixels per SVG unit: a 780-unit figure becomes 1,560 px, about 200 dpi at the width of a paper's column pair.</summary>
    public const float Scale = 2;

    private static readonly Lazy<string?> Problem = new(Probe);

    /// <summary>Null when PNGs can be rendered here, else why not (no native Skia library for this platform, say).</summary>
    public static string? Unavailable => Problem.Value;

    public static byte[] RenderPng(string svgDocument)
    {
        using var svg = new SKSvg();
        using (var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(svgDocument)))
        {
            svg.Load(stream);
        }

        var picture = svg.Picture ?? throw new InvalidOperationException("the SVG did not render");
        var info = new SKImageInfo((int)Math.Ceiling(picture.CullRect.Width * Scale), (int)Math.Ceiling(picture.CullRect.Height * Scale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {info.Width}×{info.Height} surface");
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.Scale(Scale);
        surface.Canvas.DrawPicture(picture);
        using var image = surface.Snapshot();
        using var pixels = image.PeekPixels();

        // One filter and zlib level 3: a third of the default encoder's time (which was 70% of a report's PNG cost) for
        // files about 10% larger.
        using var png = pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 3)) ?? throw new InvalidOperationException("the PNG encoder failed");
        return png.ToArray();
    }

    private static string? Probe()
    {
        try
        {
            using var surface = SKSurface.Create(new SKImageInfo(1, 1));
            return surface is null ? "SkiaSharp could not create a surface" : null;
        }
        catch (Exception error) when (error is DllNotFoundException or TypeInitializationException or BadImageFormatException or EntryPointNotFoundException or InvalidOperationException)
        {
            return error.GetBaseException().Message;
        }
    }
}
