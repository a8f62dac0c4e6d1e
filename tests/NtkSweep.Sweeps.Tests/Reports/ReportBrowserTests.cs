using System.Text.Json;
using Microsoft.Playwright;
using NtkSweep.Sweeps.Reports;

namespace NtkSweep.Sweeps.Tests.Reports;

/// <summary>
/// Opens report.html in real headless Chromium (Debian's /usr/bin/chromium; Playwright cannot download a browser
/// here) and checks that it renders: no console errors, every chart laid out with content and no text sticking out of
/// its chart. A full-page screenshot is kept under TestResults/ beside the test binaries.
/// </summary>
public sealed class ReportBrowserTests : IDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly string root = Path.Combine(Path.GetTempPath(), "ntksweep-report-browser-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Theory]
    [InlineData("luo-grid")]
    [InlineData("teacher-presets")]
    [InlineData("geiger-crossover")]
    [InlineData("dead-band-grid")]
    [InlineData("partial-luo-grid")]
    public async Task Report_renders_in_headless_chromium_without_errors_and_with_every_chart_laid_out(string scenario)
    {
        // A missing browser must fail, never skip: the report's rendering would go unchecked.
        Assert.True(
            File.Exists(ChromiumPath),
            $"Chromium is missing at {ChromiumPath}; install it with `apt-get update && apt-get install -y chromium` (scripts/test.sh does this).");
        var files = PhaseReportWriter.Write(ReportScenarios.Create(scenario), root);
        var expectedCharts = CountOccurrences(File.ReadAllText(files.Html), "<svg ");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArguments,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        var externalRequests = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith("file:", StringComparison.Ordinal))
            {
                externalRequests.Add(request.Url);
            }
        };

        await page.GotoAsync(new Uri(files.Html).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        // The cells table fits the page (at 1280 px and wider the page is 1120 px): no sideways scrolling.
        var tableOverflow = await page.EvaluateAsync<int>(
            """
            () => {
              const wrap = [...document.querySelectorAll('.table-wrap')].find(w => w.textContent.includes('s(RD_w)'));
              return wrap ? wrap.scrollWidth - wrap.clientWidth : -1;
            }
            """);
        Assert.InRange(tableOverflow, 0, 1);

        // Every map tile links to its cell's page, which opens in the browser too.
        var links = await page.QuerySelectorAllAsync("svg a[href^='cells/']");
        Assert.NotEmpty(links);
        var target = await links[0].GetAttributeAsync("href");
        Assert.True(File.Exists(Path.Combine(root, target!)), $"{target} is missing");

        // A partial report says so where the reader looks first; a complete one does not.
        var banner = await page.QuerySelectorAsync("#partial");
        if (files.Analysis.Counts.Pending > 0)
        {
            Assert.NotNull(banner);
            Assert.True(await banner.IsVisibleAsync());
            Assert.Contains("runs finished", await banner.InnerTextAsync(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(banner);
        }

        var charts = await page.QuerySelectorAllAsync("svg");
        Assert.Equal(expectedCharts, charts.Count);
        Assert.True(charts.Count >= 3, $"expected at least 3 charts, found {charts.Count}");
        foreach (var chart in charts)
        {
            var box = await chart.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Width > 50 && box.Height > 50, $"chart of {box.Width}×{box.Height} px");
            Assert.True(await chart.EvaluateAsync<int>("svg => svg.childElementCount") > 1);
            var overflow = await chart.EvaluateAsync<JsonElement>(
                """
                svg => {
                  const frame = svg.getBoundingClientRect();
                  const out = [];
                  for (const text of svg.querySelectorAll('text')) {
                    const r = text.getBoundingClientRect();
                    if (r.width === 0) continue;
                    if (r.left < frame.left - 1 || r.right > frame.right + 1 || r.top < frame.top - 1 || r.bottom > frame.bottom + 1) {
                      out.push(text.textContent);
                    }
                  }
                  return out;
                }
                """);
            Assert.True(overflow.GetArrayLength() == 0, $"text outside its chart: {overflow}");
        }

        // A finished report's PNG downloads are images the browser decodes, as wide as twice their SVG.
        var pngs = await page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const links = [...document.querySelectorAll('a.download[href$=".png"]')].map(a => a.getAttribute('href'));
              const sizes = [];
              for (const href of links) {
                const image = new Image();
                image.src = href;
                try { await image.decode(); sizes.push(image.naturalWidth); } catch { sizes.push(0); }
              }
              return sizes;
            }
            """);
        if (files.Analysis.Counts.Pending + files.Analysis.Counts.Running > 0)
        {
            Assert.Equal(0, pngs.GetArrayLength());
        }
        else
        {
            Assert.Equal(CountOccurrences(File.ReadAllText(files.Html), "download>SVG</a>"), pngs.GetArrayLength());
            Assert.All(pngs.EnumerateArray(), width => Assert.True(width.GetInt32() > 400, $"a PNG of width {width.GetInt32()}"));
        }

        // The cell page the first tile links to opens and draws its charts, the student neurons at every width among them.
        var cellPage = await browser.NewPageAsync();
        cellPage.PageError += (_, message) => errors.Add(message);
        await cellPage.GotoAsync(new Uri(Path.Combine(root, target!)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        var neuronCharts = await cellPage.QuerySelectorAllAsync(".neurons figure svg");
        if (files.Analysis.Counts.Pending == 0)
        {
            Assert.NotEmpty(neuronCharts);
        }

        foreach (var chart in neuronCharts)
        {
            var box = await chart.BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.Width > 200 && box.Height > 150, $"neuron chart of {box.Width}×{box.Height} px");
            Assert.True(await chart.EvaluateAsync<int>("svg => svg.querySelectorAll('circle').length") > 0);
        }

        Assert.Empty(errors);
        Assert.Empty(externalRequests);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "TestResults", $"report-screenshot-{scenario}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        File.Copy(files.Html, Path.ChangeExtension(screenshot, ".html"), overwrite: true);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
