using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Tests.Reports;

public sealed class PhaseAnalyzerTests
{
    private static readonly int[] Widths = [64, 128, 256, 512, 1024];

    private static Dictionary<string, object> Luo(double gamma, double gammaPrime) => new()
    {
        ["data"] = "luo1d",
        ["gamma"] = gamma,
        ["gammaPrime"] = gammaPrime,
    };

    private static PhaseAnalysis Analyze(IReadOnlyList<StoredRun> runs, ReportOptions? options = null) =>
        PhaseAnalyzer.Analyze(new PhaseReportInput { Title = "test", Runs = runs, Options = options ?? new ReportOptions() });

    [Fact]
    public void RdW_following_m_to_minus_half_fits_slope_minus_half_and_is_lazy()
    {
        var runs = SyntheticRuns.PowerLawCell(new Dictionary<string, object> { ["data"] = "teacher", ["preset"] = "ntk" }, Widths, 3, 3, -0.5);

        var cell = Assert.Single(Analyze(runs).Cells);

        Assert.NotNull(cell.RdWFit);
        Assert.InRange(cell.RdWFit.Slope, -0.52, -0.48);
        Assert.True(cell.RdWFit.Low < cell.RdWFit.Slope && cell.RdWFit.Slope < cell.RdWFit.High);
        Assert.Equal(15, cell.RdWFit.Points);
        Assert.Equal(5, cell.RdWFit.Widths);
        Assert.NotNull(cell.KernelChangeFit);
        Assert.InRange(cell.KernelChangeFit.Slope, -0.52, -0.48);
        Assert.Equal(CellRegime.Lazy, cell.Regime);
        Assert.Equal(-0.5, cell.Prediction.Slope);
    }

    [Fact]
    public void Seeds_are_aggregated_by_geometric_mean_with_an_interval_that_contains_it()
    {
        var runs = SyntheticRuns.PowerLawCell(new Dictionary<string, object> { ["data"] = "teacher", ["preset"] = "ntk" }, Widths, 3, 3, -0.5, noise: 0.1);

        var cell = Assert.Single(Analyze(runs).Cells);
        var width = cell.Widths.Single(w => w.Width == 256);
        var values = cell.Runs.Where(run => run.Spec.Width == 256).Select(run => run.Result!.RdW).ToArray();

        Assert.Equal(Math.Exp(values.Average(Math.Log)), width.RdW.Value, 12);
        Assert.Equal(3, width.RdW.Count);
        Assert.True(width.RdW.Low < width.RdW.Value && width.RdW.Value < width.RdW.High);
        Assert.Equal(values.Length, width.Counts.Done);
    }

    [Fact]
    public void RdW_growing_with_width_is_condensed()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(1.5, 0), Widths, 2, 0.1, 0.4);

        var cell = Assert.Single(Analyze(runs).Cells);

        Assert.InRange(cell.RdWFit!.Slope, 0.38, 0.42);
        Assert.Equal(CellRegime.Condensed, cell.Regime);
        Assert.Equal(TheorySide.Condensed, cell.Prediction.Side);
    }

    [Fact]
    public void Flat_RdW_is_critical()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(1, 0), Widths, 2, 0.5, 0);

        var cell = Assert.Single(Analyze(runs).Cells);

        Assert.InRange(cell.RdWFit!.Slope, -0.02, 0.02);
        Assert.Equal(CellRegime.Critical, cell.Regime);
        Assert.Equal(0, cell.Prediction.Slope);
    }

    [Fact]
    public void Two_widths_fall_back_to_the_dead_band_at_the_largest_width()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(0.5, 0), [64, 128], 2, 0.5, -0.5);

        var cell = Assert.Single(Analyze(runs).Cells);

        Assert.Null(cell.RdWFit);
        Assert.Equal(CellRegime.Lazy, cell.Regime);
        Assert.Contains("dead band at m = 128", cell.RegimeBasis, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.05, 0.05, double.NaN, 0.0, CellRegime.Lazy)]
    [InlineData(0.05, 0.3, double.NaN, 0.0, CellRegime.Intermediate)]
    [InlineData(2.0, 0.5, double.NaN, 0.0, CellRegime.FeatureLearning)]
    [InlineData(0.5, 0.3, 0.1, 0.9, CellRegime.FeatureLearning)]
    [InlineData(0.5, 0.3, 0.1, 0.3, CellRegime.Intermediate)]
    [InlineData(0.5, 0.3, 0.6, 0.9, CellRegime.Intermediate)]
    public void Single_width_cells_use_the_dead_band(double rdW, double kernelChange, double farMass, double clusterFraction, CellRegime expected)
    {
        var fields = new Dictionary<string, object> { ["data"] = "teacher", ["preset"] = "ntk", ["width"] = 256 };
        var runs = Enumerable.Range(1, 3)
            .Select(seed => SyntheticRuns.Done(
                SyntheticRuns.Spec(SyntheticRuns.With(fields, 256, seed)),
                new SyntheticMetrics(rdW, kernelChange) { FarMass = double.IsNaN(farMass) ? 0.9 : farMass, ClusterMassFraction = clusterFraction }))
            .ToArray();

        var analysis = Analyze(runs);

        var cell = Assert.Single(analysis.Cells);
        Assert.Equal(expected, cell.Regime);
        Assert.Equal(RegimeMapKind.None, analysis.Map.Kind);
    }

    [Fact]
    public void Cell_whose_runs_all_diverged_is_diverged_and_other_cells_are_unaffected()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(0.5, 0), Widths, 2, 1, -0.5);
        runs.AddRange(Widths.Select(width => SyntheticRuns.Diverged(SyntheticRuns.Spec(SyntheticRuns.With(Luo(2, 0), width, 1)))));
        runs.Add(SyntheticRuns.Diverged(SyntheticRuns.Spec(SyntheticRuns.With(Luo(0.5, 0), 1024, 9))));

        var analysis = Analyze(runs);

        var lazy = analysis.Cells.Single(cell => cell.Gamma == 0.5);
        var diverged = analysis.Cells.Single(cell => cell.Gamma == 2);
        Assert.Equal(CellRegime.Diverged, diverged.Regime);
        Assert.Equal(5, diverged.Counts.Diverged);
        Assert.Equal(CellRegime.Lazy, lazy.Regime);
        Assert.Equal(1, lazy.Counts.Diverged);
        Assert.Equal(10, lazy.RdWFit!.Points);
    }

    [Fact]
    public void Cell_with_only_failed_runs_has_no_data()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(0.5, 0), Widths, 1, 1, -0.5);
        runs.Add(SyntheticRuns.Failed(SyntheticRuns.Spec(SyntheticRuns.With(Luo(0.75, 0), 64, 1)), "boom"));

        var cell = Analyze(runs).Cells.Single(cell => cell.Gamma == 0.75);

        Assert.Equal(CellRegime.NoData, cell.Regime);
        Assert.Equal(1, cell.Counts.Failed);
    }

    [Fact]
    public void Axis_fields_are_the_varying_spec_fields_without_seed()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(0.5, 0), Widths, 3, 1, -0.5);
        runs.AddRange(SyntheticRuns.PowerLawCell(Luo(1.5, -0.25), Widths, 3, 1, 0.3));

        var analysis = Analyze(runs);

        Assert.Equal(["width", "gamma", "gammaPrime"], analysis.AxisFields);
        Assert.Equal(["gamma", "gammaPrime"], analysis.CellFields);
        Assert.Equal(2, analysis.Cells.Count);
        Assert.Equal(RegimeMapKind.LuoPlane, analysis.Map.Kind);
        Assert.True(analysis.Map.DrawBoundary);
    }

    [Fact]
    public void Presets_map_to_their_measured_gamma_coordinates_and_predicted_slopes()
    {
        var runs = new List<StoredRun>();
        foreach (var preset in new[] { "ntk", "mean-field", "lecun", "he" })
        {
            runs.AddRange(SyntheticRuns.PowerLawCell(new Dictionary<string, object> { ["data"] = "teacher", ["preset"] = preset }, Widths, 1, 1, -0.5));
        }

        var analysis = Analyze(runs);

        Assert.Equal(RegimeMapKind.LuoPlane, analysis.Map.Kind);
        Assert.True(analysis.Map.PlaceByResults);
        var byPreset = analysis.Cells.ToDictionary(cell => cell.ValueOf("preset").Text);
        Assert.Equal(0.5, byPreset["ntk"].Gamma, 9);
        Assert.Equal(0, byPreset["ntk"].GammaPrime, 9);
        Assert.Equal(1, byPreset["mean-field"].Gamma, 9);
        Assert.Equal(-0.5, byPreset["ntk"].Prediction.Slope);
        Assert.Equal(0, byPreset["mean-field"].Prediction.Slope);
        Assert.Equal(-1.5, byPreset["lecun"].Prediction.Slope);
        Assert.Equal(-1.5, byPreset["he"].Prediction.Slope);
    }

    [Fact]
    public void Options_choose_the_map_axes_and_a_single_varying_field_gives_a_strip()
    {
        var runs = new List<StoredRun>();
        foreach (var decay in new[] { 0.0, 0.01 })
        {
            foreach (var noise in new[] { 0.0, 0.1, 0.2 })
            {
                runs.AddRange(SyntheticRuns.PowerLawCell(new Dictionary<string, object> { ["data"] = "teacher", ["weightDecay"] = decay, ["labelNoise"] = noise }, Widths, 1, 1, -0.5));
            }
        }

        var automatic = Analyze(runs);
        var chosen = Analyze(runs, new ReportOptions { XField = "weightDecay", YField = "labelNoise" });
        var strip = Analyze(runs.Where(run => run.Spec.LabelNoise == 0).ToArray());

        Assert.Equal((RegimeMapKind.Grid, "labelNoise", "weightDecay"), (automatic.Map.Kind, automatic.Map.XField, automatic.Map.YField));
        Assert.Equal((RegimeMapKind.Grid, "weightDecay", "labelNoise"), (chosen.Map.Kind, chosen.Map.XField, chosen.Map.YField));
        Assert.Equal((RegimeMapKind.Strip, "weightDecay"), (strip.Map.Kind, strip.Map.XField));
    }

    [Fact]
    public void Unknown_boundary_option_is_rejected()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(0.5, 0), Widths, 1, 1, -0.5);

        Assert.Throws<ArgumentException>(() => Analyze(runs, new ReportOptions { Boundary = "geiger" }));
    }

    [Fact]
    public void Cells_and_runs_are_ordered_by_value_whatever_the_input_order()
    {
        var runs = new List<StoredRun>();
        foreach (var gamma in new[] { 1.5, 0.5, 1.0 })
        {
            runs.AddRange(SyntheticRuns.PowerLawCell(Luo(gamma, 0), Widths, 2, 1, gamma - 1));
        }

        var forward = Analyze(runs);
        var backward = Analyze(runs.AsEnumerable().Reverse().ToArray());

        Assert.Equal([0.5, 1.0, 1.5], forward.Cells.Select(cell => cell.Gamma));
        Assert.Equal(forward.Runs.Select(run => run.Stored.Key), backward.Runs.Select(run => run.Stored.Key));
    }

    [Fact]
    public void Runs_shared_by_several_sweeps_are_counted_once()
    {
        var runs = SyntheticRuns.PowerLawCell(Luo(0.5, 0), Widths, 2, 1, -0.5);
        var twice = runs.Concat(runs).ToArray();

        var analysis = Analyze(twice);

        Assert.Equal(runs.Count, analysis.Runs.Count);
        Assert.Equal(runs.Count, analysis.Counts.Total);
        Assert.Contains(analysis.Notes, note => note.Contains("counted once", StringComparison.Ordinal));
    }

    [Fact]
    public void Single_width_grid_labels_cells_by_dead_band_and_keeps_the_diverged_cell()
    {
        var analysis = PhaseAnalyzer.Analyze(ReportScenarios.DeadBandGrid());

        Assert.Equal(RegimeMapKind.Grid, analysis.Map.Kind);
        Assert.All(analysis.Cells, cell => Assert.Null(cell.RdWFit));
        Assert.Equal(CellRegime.Lazy, analysis.Cells.Single(cell => cell.ValueOf("weightDecay").Number == 0 && cell.ValueOf("labelNoise").Number == 0).Regime);
        Assert.Equal(CellRegime.FeatureLearning, analysis.Cells.Single(cell => cell.ValueOf("weightDecay").Number == 1e-3 && cell.ValueOf("labelNoise").Number == 0).Regime);
        Assert.Equal(CellRegime.Diverged, analysis.Cells.Single(cell => cell.ValueOf("weightDecay").Number == 1e-2 && cell.ValueOf("labelNoise").Number == 0.3).Regime);
    }

    [Fact]
    public void Sweep_file_report_hints_become_report_options()
    {
        var options = ReportOptions.FromHints(new NtkSweep.Sweeps.Files.SweepReportHints { X = "gammaPrime", Y = "gamma", Boundary = "luo", Crossover = "alphaG" });

        Assert.Equal(new ReportOptions { XField = "gammaPrime", YField = "gamma", Boundary = "luo", CrossoverField = "alphaG" }, options);
    }
}
