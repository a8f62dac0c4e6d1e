using System.Globalization;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Refinement;

/// <summary>A point of the refinement plane in units of the finest spacing (the coarse grid sits at multiples of 2^levels).</summary>
public readonly record struct LatticeCell(int I, int J);

/// <summary>What a finished cell says about the boundary: its regime and the 95% interval of its RD_w width slope.</summary>
public sealed record CellVerdict(CellRegime Regime, double SlopeLow, double SlopeHigh)
{
    /// <summary>The slope interval contains a regime threshold (±0.1): the cell itself cannot tell its side.</summary>
    public bool Straddles =>
        double.IsFinite(SlopeLow) && double.IsFinite(SlopeHigh)
        && ((SlopeLow < -PhaseAnalyzer.CriticalSlope && SlopeHigh > -PhaseAnalyzer.CriticalSlope)
            || (SlopeLow < PhaseAnalyzer.CriticalSlope && SlopeHigh > PhaseAnalyzer.CriticalSlope));
}

/// <summary>
/// Adaptive refinement of a phase boundary over two axes (SCIENCE.md §7): the sweep's grid over x × y is level 0; a
/// square of four neighbouring cells of level ℓ whose verdicts disagree — different regimes, or a slope interval that
/// straddles a threshold — gets the five cells at half its spacing, up to the file's number of levels.
/// </summary>
/// <remarks>
/// The decision for a square uses only its four corners' finished runs (seeds aggregated by the report's own rule),
/// so the refined set depends only on the sweep file and the results, never on the order runs finish in or on the
/// machine: the coordinator can decide each square the moment its corners are complete, while other runs go on.
/// </remarks>
public sealed class BoundaryRefinement
{
    private readonly SweepDefinition definition;
    private readonly double[] coarseX;
    private readonly double[] coarseY;

    public BoundaryRefinement(SweepDefinition definition)
    {
        this.definition = definition;
        var refine = definition.Refine ?? throw new ArgumentException("The sweep does not ask for refinement.", nameof(definition));
        Levels = refine.Levels;
        Scale = 1 << Levels;
        coarseX = [.. definition.Axes.Single(axis => axis.Field == refine.X).Values.Cast<double>()];
        coarseY = [.. definition.Axes.Single(axis => axis.Field == refine.Y).Values.Cast<double>()];
        XField = refine.X;
        YField = refine.Y;
    }

    public string XField { get; }

    public string YField { get; }

    public int Levels { get; }

    /// <summary>2^levels: coarse cells sit at multiples of it.</summary>
    public int Scale { get; }

    /// <summary>The coarse grid's cells.</summary>
    public IReadOnlyList<LatticeCell> CoarseCells =>
        [.. Enumerable.Range(0, coarseX.Length).SelectMany(i => Enumerable.Range(0, coarseY.Length).Select(j => new LatticeCell(i * Scale, j * Scale)))];

    /// <summary>Cells of a uniform grid at the spacing of <paramref name="level"/> over the same plane.</summary>
    public long UniformCells(int level) =>
        (((long)coarseX.Length - 1) * (1L << level) + 1) * (((long)coarseY.Length - 1) * (1L << level) + 1);

    /// <summary>The axis value at lattice index <paramref name="index"/>; coarse points keep the file's own values.</summary>
    public double XAt(int index) => ValueAt(coarseX, index);

    public double YAt(int index) => ValueAt(coarseY, index);

    /// <summary>The level a cell was added at: 0 for the coarse grid, ℓ where it sits on the lattice of spacing 2^−ℓ.</summary>
    public int LevelOf(LatticeCell cell)
    {
        for (var level = 0; level <= Levels; level++)
        {
            var step = Scale >> level;
            if (cell.I % step == 0 && cell.J % step == 0)
            {
                return level;
            }
        }

        return Levels;
    }

    /// <summary>The cell of a run of this sweep, from its x and y values; null when they are not on the lattice.</summary>
    public LatticeCell? CellOf(SweepPoint point)
    {
        if (point.AxisValues.GetValueOrDefault(XField) is not double x || point.AxisValues.GetValueOrDefault(YField) is not double y)
        {
            return null;
        }

        return new LatticeCell(IndexOf(coarseX, x), IndexOf(coarseY, y));
    }

    /// <summary>The runs of one cell: every other axis value and seed, at this cell's x and y.</summary>
    public IReadOnlyList<SweepPoint> Points(LatticeCell cell)
    {
        var x = XAt(cell.I);
        var y = YAt(cell.J);
        var axes = definition.Axes
            .Select(axis => axis.Field == XField ? axis with { Values = [x], Kind = "list" }
                : axis.Field == YField ? axis with { Values = [y], Kind = "list" }
                : axis)
            .ToArray();
        return (definition with { Axes = axes, Refine = null }).Expand();
    }

    /// <summary>
    /// The cells to add now: the midpoints of every square of existing cells whose four corners have verdicts that
    /// disagree, on every level below the last, that are not cells yet. Empty when nothing more can be decided.
    /// </summary>
    public IReadOnlyList<LatticeCell> Refine(IReadOnlySet<LatticeCell> cells, IReadOnlyDictionary<LatticeCell, CellVerdict> verdicts)
    {
        var added = new SortedSet<(int I, int J)>();
        for (var level = 0; level < Levels; level++)
        {
            var step = Scale >> level;
            var half = step / 2;
            foreach (var corner in cells)
            {
                if (corner.I % step != 0 || corner.J % step != 0)
                {
                    continue;
                }

                LatticeCell[] corners = [corner, new(corner.I + step, corner.J), new(corner.I, corner.J + step), new(corner.I + step, corner.J + step)];
                if (!corners.All(cells.Contains))
                {
                    continue;
                }

                var judged = corners.Select(c => verdicts.GetValueOrDefault(c)).ToArray();
                if (judged.Any(verdict => verdict is null) || !Disagree(judged!))
                {
                    continue;
                }

                foreach (var (di, dj) in new[] { (half, 0), (0, half), (half, half), (step, half), (half, step) })
                {
                    var next = new LatticeCell(corner.I + di, corner.J + dj);
                    if (!cells.Contains(next))
                    {
                        added.Add((next.I, next.J));
                    }
                }
            }
        }

        return [.. added.Select(pair => new LatticeCell(pair.I, pair.J))];
    }

    /// <summary>A finished cell's verdict by the report's own rule: seeds aggregated, the width slope with its interval.</summary>
    public static CellVerdict Judge(IReadOnlyList<StoredRun> runs)
    {
        var analysis = PhaseAnalyzer.Analyze(new PhaseReportInput { Title = string.Empty, Runs = runs });
        var cell = analysis.Cells.Count == 1
            ? analysis.Cells[0]
            : throw new ArgumentException("The runs span more than one cell.", nameof(runs));
        return new CellVerdict(cell.Regime, cell.RdWFit?.Low ?? double.NaN, cell.RdWFit?.High ?? double.NaN);
    }

    private static bool Disagree(IReadOnlyList<CellVerdict> corners) =>
        corners.Select(verdict => verdict.Regime).Distinct().Count() > 1 || corners.Any(verdict => verdict.Straddles);

    private double ValueAt(double[] coarse, int index)
    {
        if (index % Scale == 0)
        {
            return coarse[index / Scale];
        }

        // Midpoints from the coarse neighbours, so that every machine computes the same double.
        var below = index / Scale;
        var fraction = (double)(index % Scale) / Scale;
        return coarse[below] + fraction * (coarse[below + 1] - coarse[below]);
    }

    private int IndexOf(double[] coarse, double value)
    {
        var step = (coarse[1] - coarse[0]) / Scale;
        var index = (int)Math.Round((value - coarse[0]) / step, MidpointRounding.AwayFromZero);
        return Math.Abs(ValueAt(coarse, Math.Clamp(index, 0, (coarse.Length - 1) * Scale)) - value) <= 1e-9 * Math.Max(1, Math.Abs(value))
            ? index
            : throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{value} is not on the refinement lattice."), nameof(value));
    }
}
