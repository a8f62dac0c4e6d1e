using nietras.SeparatedValues;
using NtkSweep.Training.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>
/// cells.csv and runs.csv: a header row, one row per cell or run, invariant culture, empty fields for missing or
/// non-finite numbers. Written with Sep (RFC 4180 quoting of fields holding a comma, quote or line break; every column
/// named once, which Sep enforces); the numbers are formatted here, so the text does not depend on Sep's formatting.
/// </summary>
internal static class ReportCsvWriter
{
    public static string Cells(PhaseAnalysis analysis)
    {
        var header = new List<string> { "cell", "label" };
        header.AddRange(analysis.CellFields);
        header.AddRange(
        [
            "regime", "regimeBasis", "runs", "done", "diverged", "failed", "pending", "running", "widths",
            "rdWSlope", "rdWSlopeStdErr", "rdWSlopeLow", "rdWSlopeHigh",
            "kernelChangeSlope", "kernelChangeSlopeStdErr", "kernelChangeSlopeLow", "kernelChangeSlopeHigh",
            "kernelLimitDistanceSlope", "kernelLimitDistanceSlopeStdErr", "kernelLimitDistanceSlopeLow", "kernelLimitDistanceSlopeHigh",
            "predictedSlope", "predictedSide", "agreesWithTheory", "gammaOfScales", "gammaPrimeOfScales",
            "largestWidth", "rdW", "rdWLow", "rdWHigh", "kernelChange", "kernelChangeLow", "kernelChangeHigh",
            "trainLoss", "testLoss", "farMass", "condensation", "linearizationGap", "decayBudget", "alignmentEnd",
            "rdWByWidth", "kernelChangeByWidth",
        ]);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var cell in analysis.Cells)
        {
            var row = new List<string> { ReportText.Integer(cell.Index), cell.Label };
            row.AddRange(cell.Coordinates.Select(coordinate => coordinate.Value.IsMissing ? string.Empty : coordinate.Value.Text));
            var largest = cell.LargestDoneWidth;
            var agrees = LuoTheory.Agrees(cell.Prediction.Side, cell.Regime);
            row.AddRange(
            [
                ReportText.RegimeName(cell.Regime), cell.RegimeBasis,
                ReportText.Integer(cell.Counts.Total), ReportText.Integer(cell.Counts.Done), ReportText.Integer(cell.Counts.Diverged),
                ReportText.Integer(cell.Counts.Failed), ReportText.Integer(cell.Counts.Pending), ReportText.Integer(cell.Counts.Running),
                string.Join(';', cell.Widths.Select(width => ReportText.Integer(width.Width))),
                .. Fit(cell.RdWFit), .. Fit(cell.KernelChangeFit), .. Fit(cell.KernelLimitFit),
                ReportText.Machine(cell.Prediction.Slope), ReportText.SideName(cell.Prediction.Side),
                agrees is null ? string.Empty : agrees.Value ? "true" : "false",
                ReportText.Machine(cell.Gamma), ReportText.Machine(cell.GammaPrime),
                largest is null ? string.Empty : ReportText.Integer(largest.Width),
                .. Estimate(largest?.RdW), .. Estimate(largest?.KernelChange),
                Value(largest?.TrainLoss), Value(largest?.TestLoss), Value(largest?.FarMass), Value(largest?.Condensation),
                Value(largest?.LinearizationGap), Value(largest?.DecayBudget), Value(largest?.AlignmentEnd),
                ByWidth(cell, width => width.RdW), ByWidth(cell, width => width.KernelChange),
            ]);
            rows.Add(row);
        }

        return Write(header, rows);
    }

    public static string Runs(PhaseAnalysis analysis)
    {
        var header = new List<string> { "key", "cell", "state", "status", "stopReason", "error" };
        header.AddRange(analysis.AxisFields.Where(field => field != "width"));
        header.AddRange(
        [
            "width", "seed", "steps", "trainLoss", "testLoss", "initialTrainLoss", "rdW", "rdA", "kernelChange", "alignmentStart", "alignmentEnd",
            "linearizedTestLoss", "linearizationGap", "linearizationDistance", "kernelLimitDistance", "kernelLimitTestLoss", "farMass", "condensation", "decayBudget", "finalStepSize",
            "alpha", "beta1", "beta2", "gammaOfScales", "gammaPrimeOfScales", "kernelPath", "wallSeconds",
        ]);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var run in analysis.Runs)
        {
            var stored = run.Stored;
            var result = stored.Result;
            var row = new List<string>
            {
                stored.Key,
                ReportText.Integer(run.CellIndex),
                ReportText.StateName(stored.State),
                result is null ? string.Empty : RunResultJson.StatusName(result.Status),
                result is null ? string.Empty : RunResultJson.StopReasonName(result.StopReason),
                stored.Error ?? string.Empty,
            };
            row.AddRange(run.Coordinates.Where(coordinate => coordinate.Field != "width").Select(coordinate => coordinate.Value.IsMissing ? string.Empty : coordinate.Value.Text));
            row.Add(ReportText.Integer(stored.Spec.Width));
            row.Add(ReportText.Integer((long)stored.Spec.Seed));
            if (result is null)
            {
                row.AddRange(Enumerable.Repeat(string.Empty, 25));
            }
            else
            {
                row.AddRange(
                [
                    ReportText.Integer(result.Steps),
                    ReportText.Machine(result.TrainLoss), ReportText.Machine(result.TestLoss), ReportText.Machine(result.InitialTrainLoss),
                    ReportText.Machine(result.RdW), ReportText.Machine(result.RdA), ReportText.Machine(result.KernelChange),
                    ReportText.Machine(result.AlignmentStart), ReportText.Machine(result.AlignmentEnd),
                    ReportText.Machine(result.LinearizedTestLoss), ReportText.Machine(result.LinearizationGap),
                    ReportText.Machine(result.LinearizationDistance),
                    ReportText.Machine(result.KernelLimitDistance ?? double.NaN), ReportText.Machine(result.KernelLimitTestLoss ?? double.NaN),
                    ReportText.Machine(result.FarMass), ReportText.Machine(result.Condensation), ReportText.Machine(result.DecayBudget),
                    ReportText.Machine(result.FinalStepSize), ReportText.Machine(result.Alpha), ReportText.Machine(result.Beta1),
                    ReportText.Machine(result.Beta2), ReportText.Machine(result.Gamma), ReportText.Machine(result.GammaPrime),
                    Training.Kernels.KernelFactory.ToName(result.KernelPath), ReportText.Machine(result.WallSeconds),
                ]);
            }

            rows.Add(row);
        }

        return Write(header, rows);
    }

    private static string[] Fit(SlopeFit? fit) => fit is null
        ? [string.Empty, string.Empty, string.Empty, string.Empty]
        : [ReportText.Machine(fit.Slope), ReportText.Machine(fit.StandardError), ReportText.Machine(fit.Low), ReportText.Machine(fit.High)];

    private static string[] Estimate(MetricEstimate? estimate) => estimate is { } value
        ? [ReportText.Machine(value.Value), ReportText.Machine(value.Low), ReportText.Machine(value.High)]
        : [string.Empty, string.Empty, string.Empty];

    private static string Value(MetricEstimate? estimate) => estimate is { } value ? ReportText.Machine(value.Value) : string.Empty;

    private static string ByWidth(PhaseCell cell, Func<WidthAggregate, MetricEstimate> metric) =>
        string.Join(';', cell.Widths.Where(width => metric(width).HasValue).Select(width => ReportText.Integer(width.Width) + ":" + ReportText.Machine(metric(width).Value)));

    private static string Write(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        using var writer = Sep.New(',').Writer(options => options with { Escape = true }).ToText();
        if (rows.Count == 0)
        {
            // Sep writes the header with the first row; a report without cells still names its columns.
            return string.Join(',', header) + "\n";
        }

        foreach (var fields in rows)
        {
            using var row = writer.NewRow();
            for (var index = 0; index < header.Count; index++)
            {
                row[header[index]].Set(fields[index]);
            }
        }

        writer.Flush();
        return writer.ToString().ReplaceLineEndings("\n");
    }
}
