using nietras.SeparatedValues;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;

namespace NtkSweep.Sweeps.Tests.Reports;

public sealed class PhaseReportWriterTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "ntksweep-report-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(root, recursive: true);

    private PhaseReportFiles Write(PhaseReportInput input, string name = "report") => PhaseReportWriter.Write(input, Path.Combine(root, name));

    [Fact]
    public void Writes_html_csv_and_json_files()
    {
        var files = Write(ReportScenarios.LuoGrid());

        Assert.True(File.Exists(files.Html));
        Assert.True(File.Exists(files.CellsCsv));
        Assert.True(File.Exists(files.RunsCsv));
        Assert.True(File.Exists(files.Json));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(files.Html)!, "*.tmp"));
    }

    [Fact]
    public void Html_is_self_contained_without_scripts_or_external_resources()
    {
        var html = File.ReadAllText(Write(ReportScenarios.TeacherPresets()).Html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("viewBox=\"0 0 ", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Boundary_polyline_is_drawn_when_the_axes_are_gammaPrime_by_gamma()
    {
        var html = File.ReadAllText(Write(ReportScenarios.LuoGrid()).Html);

        Assert.Contains("<polyline class=\"luo-boundary\"", html, StringComparison.Ordinal);
        Assert.Contains("linear (NTK)", html, StringComparison.Ordinal);
        Assert.Contains("condensed (γ &gt; 1", html, StringComparison.Ordinal);
        Assert.Contains("mean-field point", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Boundary_is_not_drawn_for_other_axes_or_when_turned_off()
    {
        var geiger = File.ReadAllText(Write(ReportScenarios.GeigerCrossover(), "geiger").Html);
        var luo = ReportScenarios.LuoGrid() with { Options = new ReportOptions { Boundary = "none" } };
        var off = File.ReadAllText(Write(luo, "off").Html);

        Assert.DoesNotContain("luo-boundary", geiger, StringComparison.Ordinal);
        Assert.DoesNotContain("luo-boundary", off, StringComparison.Ordinal);
    }

    [Fact]
    public void Diverged_cell_is_shown_as_diverged_in_map_tables_and_json()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var html = File.ReadAllText(files.Html);
        using var json = JsonDocument.Parse(File.ReadAllText(files.Json));

        var divergedCell = json.RootElement.GetProperty("cells").EnumerateArray()
            .Single(cell => cell.GetProperty("axes").GetProperty("gamma").GetDouble() == 1.75 && cell.GetProperty("axes").GetProperty("gammaPrime").GetDouble() == -0.5);
        Assert.Equal("diverged", divergedCell.GetProperty("regime").GetString());
        Assert.Contains(">diverged</text>", html, StringComparison.Ordinal);
        Assert.Contains("url(#f1-hatch)", html, StringComparison.Ordinal);
        Assert.Contains("Diverged and failed runs", html, StringComparison.Ordinal);
        Assert.Contains("nonFiniteLoss", html, StringComparison.Ordinal);
        Assert.Contains("out of memory", html, StringComparison.Ordinal);
        Assert.Contains(",diverged,", File.ReadAllText(files.CellsCsv), StringComparison.Ordinal);
    }

    [Fact]
    public void NaN_metrics_never_print_as_NaN()
    {
        var files = Write(ReportScenarios.LuoGrid());

        foreach (var path in new[] { files.Html, files.CellsCsv, files.RunsCsv, files.Json })
        {
            var text = File.ReadAllText(path);
            Assert.DoesNotContain("NaN", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", text, StringComparison.Ordinal);
            Assert.DoesNotContain("∞", text.Replace("RD_w → ∞", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Contains("<td>—</td>", File.ReadAllText(files.Html), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_json_parses_with_cells_and_runs_that_embed_the_run_result_json()
    {
        var input = ReportScenarios.TeacherPresets();
        var files = Write(input);

        var root = JsonNode.Parse(File.ReadAllText(files.Json))!.AsObject();
        var cells = root["cells"]!.AsArray();
        var runs = root["runs"]!.AsArray();
        Assert.Equal(6, cells.Count);
        Assert.Equal(input.Runs.Count, runs.Count);
        foreach (var cell in cells)
        {
            Assert.NotNull(cell!["regime"]!.GetValue<string>());
            Assert.NotNull(cell["axes"]!["preset"]);
            Assert.NotNull(cell["rdWSlope"]!["slope"]);
            Assert.NotNull(cell["rdWSlope"]!["low"]);
            Assert.NotNull(cell["widths"]![0]!["rdW"]!["geometricMean"]);
        }

        var byKey = input.Runs.ToDictionary(run => run.Key);
        foreach (var run in runs)
        {
            var key = run!["key"]!.GetValue<string>();
            var stored = byKey[key];
            Assert.Equal("done", run["state"]!.GetValue<string>());
            Assert.Equal(stored.Spec.ToCanonicalJson(), run["spec"]!.ToJsonString());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(RunResultJson.Write(stored.Result!)), run["metrics"]));
        }
    }

    [Fact]
    public void Csv_files_have_a_header_and_one_row_per_cell_and_run()
    {
        var input = ReportScenarios.LuoGrid();
        var files = Write(input);

        var cellLines = File.ReadAllLines(files.CellsCsv);
        var runLines = File.ReadAllLines(files.RunsCsv);
        Assert.StartsWith("cell,label,gamma,gammaPrime,regime,", cellLines[0], StringComparison.Ordinal);
        Assert.Equal(30 + 1, cellLines.Length);
        Assert.StartsWith("key,cell,state,status,stopReason,error,", runLines[0], StringComparison.Ordinal);
        Assert.Equal(input.Runs.Count + 1, runLines.Length);
        var columns = runLines[0].Split(',').Length;
        Assert.All(runLines.Where(line => !line.Contains('"', StringComparison.Ordinal)), line => Assert.Equal(columns, line.Split(',').Length));
        Assert.Contains(runLines, line => line.Contains(",failed,", StringComparison.Ordinal) && line.Contains("out of memory", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_quotes_an_error_holding_commas_quotes_and_a_line_break_and_reads_back_to_the_same_text()
    {
        const string Error = "boom, said \"the kernel\"\nat step 3";
        var input = ReportScenarios.LuoGrid();
        var failed = input.Runs.First(run => run.State == RunState.Failed);
        input = input with { Runs = [.. input.Runs.Select(run => run == failed ? run with { Error = Error } : run)] };
        var files = Write(input, "quoted");

        using var reader = Sep.Reader(options => options with { Unescape = true }).FromFile(files.RunsCsv);
        var errors = reader.Enumerate(row => (Key: row["key"].ToString(), Error: row["error"].ToString())).ToDictionary(pair => pair.Key, pair => pair.Error, StringComparer.Ordinal);
        Assert.Equal(input.Runs.Count, errors.Count);
        Assert.Equal(Error, errors[failed.Key]);
        Assert.Contains("\"boom, said \"\"the kernel\"\"\nat step 3\"", File.ReadAllText(files.RunsCsv), StringComparison.Ordinal);
    }

    [Fact]
    public void Partial_report_says_how_many_runs_are_missing_draws_their_cells_as_pending_and_holds_back_the_claims()
    {
        var input = ReportScenarios.PartialLuoGrid();
        var pending = input.Runs.Count(run => run.State == RunState.Pending);
        var files = Write(input);

        var html = File.ReadAllText(files.Html);
        Assert.Contains($"Partial report: {input.Runs.Count - pending} of {input.Runs.Count} runs finished.", html, StringComparison.Ordinal);
        Assert.Contains("<meta http-equiv=\"refresh\"", html, StringComparison.Ordinal);

        // Figures to take away come with the finished report: a partial one has SVGs only.
        Assert.DoesNotContain("download>PNG</a>", html, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(files.Html)!, "figures"), "*.png"));
        var pendingCells = files.Analysis.Cells.Where(cell => cell.Counts.Pending > 0).ToArray();
        Assert.NotEmpty(pendingCells);
        Assert.All(pendingCells, cell => Assert.Equal(CellRegime.Pending, cell.Regime));
        Assert.All(files.Analysis.Cells.Where(cell => cell.Counts.Pending == 0 && cell.Counts.Done > 0), cell => Assert.NotEqual(CellRegime.Pending, cell.Regime));
        Assert.NotNull(files.Claims);
        Assert.True(files.Claims.Provisional);
        Assert.All(files.Claims.Claims, claim => Assert.Equal(ClaimVerdict.Inconclusive, claim.Verdict));
        using var json = JsonDocument.Parse(File.ReadAllText(files.Json));
        Assert.True(json.RootElement.GetProperty("claims").GetProperty("provisional").GetBoolean());
    }

    [Fact]
    public void Every_figure_is_also_a_standalone_svg_file_linked_from_its_caption()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var html = File.ReadAllText(files.Html);
        var figures = Directory.GetFiles(Path.Combine(Path.GetDirectoryName(files.Html)!, "figures"), "figure-*.svg").Order(StringComparer.Ordinal).ToArray();
        Assert.True(figures.Length >= 3, $"{figures.Length} figure files");
        Assert.Equal(figures.Length, html.Split("\" download>SVG</a>").Length - 1);
        foreach (var figure in figures)
        {
            Assert.Contains($"href=\"figures/{Path.GetFileName(figure)}\"", html, StringComparison.Ordinal);
            var document = System.Xml.Linq.XDocument.Load(figure);
            Assert.Equal("{http://www.w3.org/2000/svg}svg", document.Root!.Name.ToString());
        }
    }

    [Fact]
    public void Luo_map_draws_the_measured_boundary_where_neighbouring_slopes_change_sign()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var map = File.ReadAllText(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(files.Html)!, "figures"), "figure-*.svg").Order(StringComparer.Ordinal).First());
        Assert.Contains("measured boundary (fitted slope", map, StringComparison.Ordinal);
        // The scenario's slopes are min(γ − 1, γ − 1 − γ′): they vanish on Luo's boundary, so every measured point lies
        // within one grid step (0.25) of it.
        var points = System.Text.RegularExpressions.Regex.Matches(map, @"measured boundary: s\(RD_w\) = 0 near \(γ′, γ\) = \(([-−0-9.]+), ([-−0-9.]+)\)");
        Assert.NotEmpty(points);
        foreach (System.Text.RegularExpressions.Match point in points)
        {
            var gammaPrime = double.Parse(point.Groups[1].Value.Replace('−', '-'), System.Globalization.CultureInfo.InvariantCulture);
            var gamma = double.Parse(point.Groups[2].Value.Replace('−', '-'), System.Globalization.CultureInfo.InvariantCulture);
            var distance = Math.Min(Math.Abs(gamma - 1) + Math.Max(0, gammaPrime), Math.Abs(gammaPrime - (gamma - 1)) + Math.Max(0, 1 - gamma));
            Assert.True(distance <= 0.26, $"measured boundary point ({gammaPrime}, {gamma}) is {distance} from Luo's boundary");
        }
    }

    [Fact]
    public void Luo_map_has_a_tick_at_every_grid_value_of_both_axes()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var map = File.ReadAllText(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(files.Html)!, "figures"), "figure-*.svg").Order(StringComparer.Ordinal).First());
        foreach (var value in new[] { "−0.5", "−0.25", "0", "0.25", "0.5", "0.75", "1", "1.25", "1.5", "1.75" })
        {
            Assert.Contains($">{value}</text>", map, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_cell_has_a_drill_down_page_linked_from_its_map_tile_and_table_row()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var directory = Path.GetDirectoryName(files.Html)!;
        var html = File.ReadAllText(files.Html);
        foreach (var cell in files.Analysis.Cells)
        {
            var page = $"cells/cell-{cell.Index:000}.html";
            Assert.True(File.Exists(Path.Combine(directory, page)), page);
            // Twice: the map tile and the cells table row.
            Assert.Equal(2, html.Split($"href=\"{page}\"").Length - 1);
        }

        var done = files.Analysis.Cells.First(cell => cell.Counts.Done > 0 && cell.RdWFit is not null);
        var drill = File.ReadAllText(Path.Combine(directory, $"cells/cell-{done.Index:000}.html"));
        Assert.Contains("href=\"../report.html\"", drill, StringComparison.Ordinal);
        Assert.Contains("RD_w against width, every seed.", drill, StringComparison.Ordinal);
        Assert.Equal(done.Runs.Count, drill[drill.IndexOf("<h2>Runs</h2>", StringComparison.Ordinal)..].Split("<tr><td>").Length - 1);
        Assert.Equal(done.Widths.Count, drill[drill.IndexOf("<h2>Per width</h2>", StringComparison.Ordinal)..drill.IndexOf("<h2>Runs</h2>", StringComparison.Ordinal)].Split("<tr><td>").Length - 1);

        // The student neurons at every width that has a finished run: one scatter each.
        var widthsWithNeurons = done.Runs.Where(run => run.State == RunState.Done && run.Result is { Neurons.Count: > 0 }).Select(run => run.Spec.Width).Distinct().Count();
        Assert.True(widthsWithNeurons >= 2, $"{widthsWithNeurons} widths with neurons");
        var neurons = drill[drill.IndexOf("<h2>Student neurons at every width</h2>", StringComparison.Ordinal)..drill.IndexOf("<h2>Per width</h2>", StringComparison.Ordinal)];
        Assert.Equal(widthsWithNeurons, neurons.Split("<figure>").Length - 1);
        Assert.Contains("heaviest student neurons", neurons, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href", File.ReadAllText(Path.Combine(directory, "figures", "figure-01.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_figure_is_also_a_png_rendered_from_its_svg_at_twice_its_size_byte_identical_on_a_rewrite()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var directory = Path.GetDirectoryName(files.Html)!;
        var html = File.ReadAllText(files.Html);
        var svgs = Directory.GetFiles(Path.Combine(directory, "figures"), "figure-*.svg").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(svgs);
        var first = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var svg in svgs)
        {
            var png = Path.ChangeExtension(svg, ".png");
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
            var svgWidth = double.Parse(System.Text.RegularExpressions.Regex.Match(File.ReadAllText(svg), "<svg[^>]* width=\"([0-9.]+)\"").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(width, (int)Math.Floor(svgWidth * 2), (int)Math.Ceiling(svgWidth * 2));
            Assert.Contains($"href=\"figures/{Path.GetFileName(png)}\" download>PNG</a>", html, StringComparison.Ordinal);
            first[png] = bytes;
        }

        PhaseReportWriter.Write(ReportScenarios.LuoGrid(), directory);
        Assert.All(first, pair => Assert.Equal(pair.Value, File.ReadAllBytes(pair.Key)));
    }

    [Fact]
    public void Complete_report_has_no_partial_banner_and_no_refresh()
    {
        var files = Write(ReportScenarios.LuoGrid());
        var html = File.ReadAllText(files.Html);
        Assert.DoesNotContain("Partial report", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", html, StringComparison.Ordinal);
        Assert.False(files.Claims!.Provisional);
    }

    [Fact]
    public void Csv_headers_name_every_column_once_when_gamma_and_gammaPrime_are_axes()
    {
        var files = Write(ReportScenarios.LuoGrid());
        foreach (var path in new[] { files.CellsCsv, files.RunsCsv })
        {
            var header = File.ReadLines(path).First().Split(',');
            Assert.Equal(header.Length, header.Distinct(StringComparer.Ordinal).Count());
            Assert.Contains("gammaOfScales", header);
        }

        Assert.Contains("kernelLimitDistance", File.ReadLines(files.RunsCsv).First().Split(','));
    }

    [Theory]
    [InlineData("luo-grid")]
    [InlineData("teacher-presets")]
    [InlineData("geiger-crossover")]
    public void Same_input_twice_and_in_another_order_gives_byte_identical_files(string scenario)
    {
        var input = ReportScenarios.Create(scenario);
        var first = Write(input, "first");
        var second = Write(input, "second");
        var shuffled = Write(input with { Runs = input.Runs.AsEnumerable().Reverse().ToArray() }, "shuffled");

        foreach (var (a, b, c) in new[]
                 {
                     (first.Html, second.Html, shuffled.Html),
                     (first.CellsCsv, second.CellsCsv, shuffled.CellsCsv),
                     (first.RunsCsv, second.RunsCsv, shuffled.RunsCsv),
                     (first.Json, second.Json, shuffled.Json),
                 })
        {
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(c));
        }
    }

    [Fact]
    public void Summary_states_the_slope_at_the_NTK_point_in_words()
    {
        var html = File.ReadAllText(Write(ReportScenarios.TeacherPresets()).Html);

        var summary = html[html.IndexOf("<p class=\"summary\">", StringComparison.Ordinal)..];
        summary = summary[..summary.IndexOf("</p>", StringComparison.Ordinal)];
        Assert.Matches(@"slope −0\.(49|50|51) ± 0\.\d\d at ntk · λ=0 \(theory −0\.50\): lazy \(NTK\)", summary);
        Assert.Contains("at mean-field · λ=0 (theory 0.00): critical", summary, StringComparison.Ordinal);
        Assert.Contains("Weight decay is on in 3 of 6 cells", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_width_varying_says_there_is_no_map()
    {
        var runs = SyntheticRuns.PowerLawCell(new Dictionary<string, object> { ["data"] = "teacher", ["preset"] = "ntk" }, [64, 128, 256], 2, 1, -0.5);

        var html = File.ReadAllText(Write(new PhaseReportInput { Title = "width only", Runs = runs }).Html);

        Assert.Contains("Only the width varies", html, StringComparison.Ordinal);
        Assert.Contains("Figure 1. Input-weight movement", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_input_still_writes_a_readable_report()
    {
        var files = Write(new PhaseReportInput { Title = "nothing yet", Runs = Array.Empty<StoredRun>() });

        var html = File.ReadAllText(files.Html);
        Assert.Contains("0 runs", html, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(files.Json));
        Assert.Equal(0, json.RootElement.GetProperty("cells").GetArrayLength());
    }
}
