using NtkSweep.Sweeps.Reports.Svg;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>
/// The student neurons of one finished run as a scatter chart: against the two teacher directions (two or more
/// teachers), against the one teacher and the signed mass (one teacher), or the direction angle of (w, b) against the
/// signed mass (Luo's 1-D task). Drawn in the report for its chosen runs and on each cell page for every width.
/// </summary>
internal static class NeuronFigure
{
    public static (string Svg, string Caption) Render(StoredRun run, string id, string heading)
    {
        var result = run.Result!;
        var spec = run.Spec;
        var maxMass = result.Neurons.Count == 0 ? 0 : result.Neurons.Max(neuron => double.IsFinite(neuron.Mass) ? Math.Abs(neuron.Mass) : 0);
        double Radius(double mass) => maxMass > 0 && double.IsFinite(mass) ? 2 + 11 * Math.Sqrt(Math.Abs(mass) / maxMass) : 2;
        string Color(double mass) => mass >= 0 ? RegimePalette.PositiveMass : RegimePalette.NegativeMass;
        var legend = new List<LegendEntry>
        {
            new("a_k > 0", RegimePalette.PositiveMass, LegendSymbol.Marker),
            new("a_k < 0", RegimePalette.NegativeMass, LegendSymbol.Marker),
            new($"marker area ∝ mass |a_k|·‖w_k‖/α (largest {ReportText.Number(maxMass, 3)})", "#888", LegendSymbol.Marker),
        };
        ScatterChart chart;
        string caption;
        var key = ReportFigures.ShortKey(run.Key);
        var summary = $"RD_w = {ReportText.Number(result.RdW, 3)}, ΔK = {ReportText.Number(result.KernelChange, 3)}";
        if (spec.Data == DataKind.Teacher && spec.Teachers >= 2)
        {
            var points = result.Neurons
                .Where(neuron => neuron.TeacherCosines.Count >= 2)
                .Select(neuron => new ScatterPoint(neuron.TeacherCosines[0], neuron.TeacherCosines[1], Radius(neuron.Mass), Color(neuron.Mass), Tooltip(neuron.Mass, neuron.TeacherCosines)))
                .ToArray();
            var references = new[]
            {
                new ReferenceMark(1, 0, "w*₁ (a*₁ " + SignText(spec.TeacherSigns[0]) + ")", Color(spec.TeacherSigns[0])),
                new ReferenceMark(0, 1, "w*₂ (a*₂ " + SignText(spec.TeacherSigns[1]) + ")", Color(spec.TeacherSigns[1])),
            };
            legend.Add(new LegendEntry("teacher direction (colour: sign of a*)", "#333", LegendSymbol.Ring));
            legend.Add(new LegendEntry("unit circle: neurons in the span of w*₁, w*₂", "#aaa", LegendSymbol.Line, "4 3"));
            chart = new ScatterChart
            {
                XAxis = ChartAxis.LinearRange(-1.1, 1.1, "cos(w_k, w*₁)", 0.5),
                YAxis = ChartAxis.LinearRange(-1.1, 1.1, "cos(w_k, w*₂)", 0.5),
                Points = points,
                References = references,
                Legend = legend,
                UnitCircle = true,
            };
            caption = $"The {result.Neurons.Count} heaviest student neurons of run {key} ({summary}, far-mass fraction {ReportText.Number(result.FarMass, 3)}): " +
                "cosine of each neuron's input weights to teacher direction 1 against teacher direction 2. Neurons that learned the teacher sit on its mark with its sign; a lazy net keeps its mass spread.";
        }
        else if (spec.Data == DataKind.Teacher)
        {
            var points = result.Neurons
                .Where(neuron => neuron.TeacherCosines.Count >= 1)
                .Select(neuron => new ScatterPoint(neuron.TeacherCosines[0], neuron.Mass, Radius(neuron.Mass), Color(neuron.Mass), Tooltip(neuron.Mass, neuron.TeacherCosines)))
                .ToArray();
            chart = new ScatterChart
            {
                XAxis = ChartAxis.LinearRange(-1.1, 1.1, "cos(w_k, w*₁)", 0.5),
                YAxis = ChartAxis.Linear(points.Select(point => point.Y), "signed mass a_k‖w_k‖/α", includeZero: true),
                Points = points,
                Legend = legend,
            };
            caption = $"The {result.Neurons.Count} heaviest student neurons of run {key} ({summary}): cosine to the teacher direction against signed mass.";
        }
        else
        {
            var points = result.Neurons
                .Where(neuron => double.IsFinite(neuron.AngleDeg))
                .Select(neuron => new ScatterPoint(neuron.AngleDeg, neuron.Mass, Radius(neuron.Mass), Color(neuron.Mass), $"angle {ReportText.Number(neuron.AngleDeg, 3)}°, mass {ReportText.Number(neuron.Mass, 3)}"))
                .ToArray();
            chart = new ScatterChart
            {
                XAxis = ChartAxis.LinearRange(-180, 180, "direction angle of (w_k, b_k) (degrees)", 90),
                YAxis = ChartAxis.Linear(points.Select(point => point.Y), "signed mass a_k‖(w_k, b_k)‖/α", includeZero: true),
                Points = points,
                Legend = legend,
                PlotWidth = 420,
                PlotHeight = 300,
            };
            caption = $"The {result.Neurons.Count} heaviest student neurons of run {key} ({summary}): the angle of each neuron's (w, b) against its signed mass. " +
                "Condensed nets gather their mass at a few angles; lazy nets keep the spread of the initialization.";
        }

        return (chart.Render(id, heading), caption);
    }

    private static string SignText(double value) => value >= 0 ? "> 0" : "< 0";

    private static string Tooltip(double mass, IReadOnlyList<double> cosines) =>
        "mass " + ReportText.Number(mass, 3) + ", cos to teachers " + string.Join(", ", cosines.Select(cosine => ReportText.Number(cosine, 3)));
}
