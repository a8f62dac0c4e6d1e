using System.Text.Json;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Tests.Reports;

namespace NtkSweep.Sweeps.Tests.Papers;

public sealed class PaperRecognitionTests
{
    [Fact]
    public void Axes_alone_identify_an_alpha_g_sweep_with_the_adaptive_rule_as_geiger()
    {
        var analysis = PhaseAnalyzer.Analyze(ReportScenarios.GeigerCrossover());
        Assert.Equal(PaperKind.GeigerCrossover, PaperClaims.Recognize(analysis)!.Value.Paper);
    }

    [Fact]
    public void Report_files_carry_the_claims_section_and_json()
    {
        var result = ReducedSweeps.Get("chizat-lazy-limit");
        var directory = Path.Combine(Path.GetTempPath(), "ntksweep-claims-" + Guid.NewGuid().ToString("N"));
        try
        {
            var input = new PhaseReportInput { Title = result.Analysis.Title, Runs = result.Runs, Options = ReportOptions.FromHints(result.Sweep.Report) };
            var files = PhaseReportWriter.Write(input, directory);
            Assert.Equal(PaperKind.ChizatLazyLimit, files.Claims!.Paper);
            var html = File.ReadAllText(files.Html);
            Assert.Contains("<h2>Paper claims</h2>", html, StringComparison.Ordinal);
            Assert.Contains("id=\"claim-chizat.rdw-exponent\"", html, StringComparison.Ordinal);
            Assert.Contains("Figure C1.", html, StringComparison.Ordinal);
            Assert.Contains("Figure C3. Function-space distance to the linearized model", html, StringComparison.Ordinal);
            Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(File.ReadAllText(files.Json));
            var claims = json.RootElement.GetProperty("claims");
            Assert.Equal("chizat-lazy-limit", claims.GetProperty("paper").GetString());
            var items = claims.GetProperty("items").EnumerateArray().ToArray();
            Assert.Equal(2, items.Length);
            Assert.All(items, item => Assert.Contains(item.GetProperty("verdict").GetString(), new[] { "reproduced", "not reproduced", "inconclusive" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Runs_of_no_paper_get_no_claims()
    {
        var analysis = PhaseAnalyzer.Analyze(ReportScenarios.DeadBandGrid() with { Title = "label noise study" });
        // Weight decay × label noise on teacher data does look like Zhou–Ge's axes; a width-only sweep does not.
        Assert.NotNull(PaperClaims.Recognize(analysis));
        var widthOnly = PhaseAnalyzer.Analyze(new PhaseReportInput { Title = "widths", Runs = ReportScenarios.GeigerCrossover().Runs.Where(run => run.Spec.Parametrization.AlphaG == 0.1).ToArray() });
        Assert.Null(PaperClaims.Evaluate(widthOnly));
    }
}
