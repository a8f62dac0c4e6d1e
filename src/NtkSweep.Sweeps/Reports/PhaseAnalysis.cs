using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>A cell's label from finite-size scaling, or from the single-width dead band (SCIENCE.md §5).</summary>
public enum CellRegime
{
    /// <summary>Slope &lt; −0.1, or RD_w and ΔK both below 0.1 at one width.</summary>
    Lazy,

    /// <summary>|slope| ≤ 0.1.</summary>
    Critical,

    /// <summary>Slope &gt; +0.1: RD_w grows with width (feature learning).</summary>
    Condensed,

    /// <summary>One width only: RD_w &gt; 1, or the mass sits on the teacher directions.</summary>
    FeatureLearning,

    /// <summary>One width only, inside the dead band.</summary>
    Intermediate,

    /// <summary>Every finished run of the cell diverged.</summary>
    Diverged,

    /// <summary>No finished run (every run failed).</summary>
    NoData,

    /// <summary>Runs of the cell are pending or running: it is classified once they have all finished.</summary>
    Pending,
}

/// <summary>One value of a spec field; runs that lack the field (another data kind or parametrization) get Missing.</summary>
public sealed record AxisValue(string Text, double Number, bool IsMissing) : IComparable<AxisValue>
{
    public static AxisValue Missing { get; } = new(string.Empty, double.NaN, true);

    public bool IsNumeric => !IsMissing && double.IsFinite(Number);

    public int CompareTo(AxisValue? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (IsMissing || other.IsMissing)
        {
            return IsMissing.CompareTo(other.IsMissing);
        }

        if (IsNumeric && other.IsNumeric)
        {
            var byNumber = Number.CompareTo(other.Number);
            return byNumber != 0 ? byNumber : string.CompareOrdinal(Text, other.Text);
        }

        if (IsNumeric != other.IsNumeric)
        {
            return IsNumeric ? -1 : 1;
        }

        return string.CompareOrdinal(Text, other.Text);
    }
}

/// <summary>A spec field and its value for one cell or run.</summary>
public sealed record AxisCoordinate(string Field, AxisValue Value);

/// <summary>How many runs are in each state.</summary>
public sealed record StateCounts(int Done, int Diverged, int Failed, int Pending, int Running)
{
    public int Total => Done + Diverged + Failed + Pending + Running;

    public static StateCounts Of(IEnumerable<StoredRun> runs)
    {
        int done = 0, diverged = 0, failed = 0, pending = 0, running = 0;
        foreach (var run in runs)
        {
            switch (run.State)
            {
                case RunState.Done:
                    done++;
                    break;
                case RunState.Diverged:
                    diverged++;
                    break;
                case RunState.Failed:
                    failed++;
                    break;
                case RunState.Running:
                    running++;
                    break;
                default:
                    pending++;
                    break;
            }
        }

        return new StateCounts(done, diverged, failed, pending, running);
    }
}

/// <summary>The seeds of one width of one cell: geometric means for the order parameters, arithmetic for the rest.</summary>
public sealed record WidthAggregate
{
    public required int Width { get; init; }

    public required StateCounts Counts { get; init; }

    public required MetricEstimate RdW { get; init; }

    public required MetricEstimate RdA { get; init; }

    public required MetricEstimate KernelChange { get; init; }

    /// <summary>D_f, the distance from the infinite-width NTK predictor (runs without weight decay only).</summary>
    public required MetricEstimate KernelLimitDistance { get; init; }

    public required MetricEstimate TrainLoss { get; init; }

    public required MetricEstimate TestLoss { get; init; }

    public required MetricEstimate FarMass { get; init; }

    public required MetricEstimate Condensation { get; init; }

    public required MetricEstimate LinearizationGap { get; init; }

    public required MetricEstimate DecayBudget { get; init; }

    public required MetricEstimate AlignmentStart { get; init; }

    public required MetricEstimate AlignmentEnd { get; init; }

    /// <summary>Mean cluster mass per teacher over the seeds (teacher data only).</summary>
    public required IReadOnlyList<double> TeacherClusterMass { get; init; }

    /// <summary>|a*_i| per teacher.</summary>
    public required IReadOnlyList<double> TeacherWeight { get; init; }

    /// <summary>Every teacher's mean cluster mass is at least half its |a*_i|.</summary>
    public bool EveryTeacherCovered =>
        TeacherWeight.Count > 0 && TeacherWeight.Select((weight, index) => TeacherClusterMass[index] >= 0.5 * Math.Abs(weight)).All(covered => covered);
}

/// <summary>One combination of the non-width, non-seed axis values, with its width scaling and regime.</summary>
public sealed record PhaseCell
{
    public required int Index { get; init; }

    /// <summary>"γ=1.25 · γ′=0"; "all runs" when only the width varies.</summary>
    public required string Label { get; init; }

    public required IReadOnlyList<AxisCoordinate> Coordinates { get; init; }

    /// <summary>Runs ordered by width, seed and key.</summary>
    public required IReadOnlyList<StoredRun> Runs { get; init; }

    public required IReadOnlyList<WidthAggregate> Widths { get; init; }

    public required StateCounts Counts { get; init; }

    public required SlopeFit? RdWFit { get; init; }

    public required SlopeFit? KernelChangeFit { get; init; }

    /// <summary>The width slope of D_f: −½ where the net stays lazy (Lee et al. 2019), about 0 where it learns features.</summary>
    public required SlopeFit? KernelLimitFit { get; init; }

    public required CellRegime Regime { get; init; }

    /// <summary>"slope over 4 widths" or "dead band at m = 256".</summary>
    public required string RegimeBasis { get; init; }

    public required SlopePrediction Prediction { get; init; }

    /// <summary>Luo's γ of the cell: from the spec, else from the results at the largest width.</summary>
    public required double Gamma { get; init; }

    public required double GammaPrime { get; init; }

    public AxisValue ValueOf(string field) =>
        Coordinates.FirstOrDefault(coordinate => coordinate.Field == field)?.Value ?? AxisValue.Missing;

    /// <summary>The largest width with at least one finished, non-diverged run, if any.</summary>
    public WidthAggregate? LargestDoneWidth => Widths.LastOrDefault(width => width.Counts.Done > 0);
}

/// <summary>One run of the report with the cell it belongs to.</summary>
public sealed record ReportRun(StoredRun Stored, int CellIndex, IReadOnlyList<AxisCoordinate> Coordinates);

public enum RegimeMapKind
{
    /// <summary>Only the width varies: no map.</summary>
    None,

    /// <summary>One varying field: a row of cells.</summary>
    Strip,

    /// <summary>Two fields, each value a column or row.</summary>
    Grid,

    /// <summary>Cells placed at their (γ′, γ) with Luo et al.'s boundary.</summary>
    LuoPlane,
}

/// <summary>Which axes the regime map uses and how it is split into panels.</summary>
public sealed record RegimeMapPlan(
    RegimeMapKind Kind,
    string? XField,
    string? YField,
    IReadOnlyList<string> FacetFields,
    bool DrawBoundary,
    bool PlaceByResults);

/// <summary>Aggregated runs of a report: cells, their fits and regimes, and how to draw them.</summary>
public sealed record PhaseAnalysis
{
    public required string Title { get; init; }

    /// <summary>Spec fields whose values vary across runs, seed excluded, in canonical order (width included if it varies).</summary>
    public required IReadOnlyList<string> AxisFields { get; init; }

    /// <summary>Axis fields without width: what distinguishes cells.</summary>
    public required IReadOnlyList<string> CellFields { get; init; }

    public required IReadOnlyList<int> Widths { get; init; }

    public required IReadOnlyList<PhaseCell> Cells { get; init; }

    /// <summary>Runs ordered by cell, width, seed and key.</summary>
    public required IReadOnlyList<ReportRun> Runs { get; init; }

    public required StateCounts Counts { get; init; }

    public required RegimeMapPlan Map { get; init; }

    /// <summary>Field whose value × √m is the crossover variable, if any.</summary>
    public required string? CrossoverField { get; init; }

    /// <summary>Remarks about the input worth telling the reader (ignored hints, mixed sweeps).</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The refinement's levels, cells and runs against the uniform grid, for refined sweeps only.</summary>
    public RefinementLayout? RefinementLayout { get; init; }

    public RefinementSummary? Refinement { get; init; }
}
