using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Refinement;
using NtkSweep.Sweeps.Reports;

namespace NtkSweep.Sweeps.Tests.Refinement;

public sealed class BoundaryRefinementTests
{
    private const string Sweep = """
        name: refine
        fixed: {data: luo1d, antisymmetric: true, maxSteps: 100}
        axes:
          width: [64, 256]
          gammaPrime: {linspace: [-0.5, 1.5, 5]}
          gamma: {linspace: [0.5, 2.5, 5]}
        seeds: 2
        refine: {x: gammaPrime, y: gamma, levels: 3}
        """;

    [Fact]
    public void Refinement_follows_the_boundary_to_the_finest_level_and_stops_where_regimes_agree()
    {
        var refinement = new BoundaryRefinement(SweepFileParser.Parse(Sweep, "refine.yaml"));
        var cells = Refine(refinement, refinement.CoarseCells);

        // Every square of the finest lattice whose corners lie on different sides of Luo's boundary was reached: its
        // four corners are all cells. That is what a uniform grid at the finest spacing would mark as boundary.
        var step = 1;
        var finest = refinement.Scale * 4;
        var boundarySquares = 0;
        for (var i = 0; i < finest; i += step)
        {
            for (var j = 0; j < finest; j += step)
            {
                LatticeCell[] corners = [new(i, j), new(i + step, j), new(i, j + step), new(i + step, j + step)];
                if (corners.Select(corner => TheoryRegime(refinement, corner)).Distinct().Count() > 1)
                {
                    boundarySquares++;
                    Assert.All(corners, corner => Assert.Contains(corner, cells));
                }
            }
        }

        Assert.True(boundarySquares > 20, $"{boundarySquares} boundary squares");
        var uniform = refinement.UniformCells(refinement.Levels);
        Assert.True(cells.Count * 2 < uniform, $"{cells.Count} refined cells against {uniform} of the uniform grid");
        Assert.Equal(refinement.Levels, cells.Max(refinement.LevelOf));
    }

    [Fact]
    public void Refined_set_does_not_depend_on_the_order_cells_finish_in()
    {
        var refinement = new BoundaryRefinement(SweepFileParser.Parse(Sweep, "refine.yaml"));
        var inOrder = Refine(refinement, refinement.CoarseCells);
        var reversed = Refine(refinement, refinement.CoarseCells.Reverse().ToArray(), judgeOneAtATime: true);
        Assert.Equal(inOrder.OrderBy(cell => (cell.I, cell.J)), reversed.OrderBy(cell => (cell.I, cell.J)));
    }

    [Fact]
    public void Straddling_interval_refines_even_where_the_regimes_agree()
    {
        var refinement = new BoundaryRefinement(SweepFileParser.Parse(Sweep, "refine.yaml"));
        var cells = refinement.CoarseCells.ToHashSet();
        var verdicts = cells.ToDictionary(cell => cell, cell => new CellVerdict(CellRegime.Lazy, -0.5, -0.3));
        Assert.Empty(refinement.Refine(cells, verdicts));
        verdicts[cells.First()] = new CellVerdict(CellRegime.Lazy, -0.3, 0.05);
        Assert.Equal(5, refinement.Refine(cells, verdicts).Count);
    }

    [Fact]
    public void Cell_points_are_the_runs_of_every_other_axis_and_seed_at_the_cells_coordinates()
    {
        var definition = SweepFileParser.Parse(Sweep, "refine.yaml");
        var refinement = new BoundaryRefinement(definition);
        var midpoint = new LatticeCell(refinement.Scale / 2, 0);
        var points = refinement.Points(midpoint);
        Assert.Equal(4, points.Count);
        Assert.All(points, point => Assert.Equal(-0.25, (double)point.AxisValues["gammaPrime"], 12));
        Assert.All(points, point => Assert.Equal(midpoint, refinement.CellOf(point)));
        Assert.Equal(1, refinement.LevelOf(midpoint));
        var coarse = definition.Expand().Where(point => refinement.CellOf(point) == new LatticeCell(0, 0)).Select(point => point.Key);
        Assert.Equal(coarse.Order(StringComparer.Ordinal), refinement.Points(new LatticeCell(0, 0)).Select(point => point.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("refine: {x: gammaPrime, y: alpha, levels: 2}", "refine.y: 'alpha' is not an axis of this sweep")]
    [InlineData("refine: {x: gammaPrime, y: gamma, levels: 9}", "refine.levels must be a whole number from 1 to 5")]
    [InlineData("refine: {x: gammaPrime, y: gamma}", "refine needs levels")]
    [InlineData("refine: {x: width, y: gamma, levels: 2}", "refine.x: the width is not a coordinate")]
    [InlineData("refine: {x: gammaPrime, y: gamma, levels: 2, depth: 3}", "unknown refine key 'depth'")]
    public void Bad_refine_section_is_one_problem_naming_the_key(string refine, string expected)
    {
        var text = "name: bad\nfixed: {data: luo1d}\naxes:\n  width: [64, 256]\n  gammaPrime: [-0.5, 0, 0.5]\n  gamma: [0.5, 1, 1.5]\n" + refine + "\n";
        var error = Assert.Throws<SweepFileException>(() => SweepFileParser.Parse(text, "bad.yaml"));
        Assert.Contains(error.Problems, problem => problem.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Unevenly_spaced_axis_cannot_be_refined()
    {
        var text = "name: bad\nfixed: {data: luo1d}\naxes:\n  gammaPrime: [-0.5, 0, 1]\n  gamma: [0.5, 1, 1.5]\nrefine: {x: gammaPrime, y: gamma, levels: 2}\n";
        var error = Assert.Throws<SweepFileException>(() => SweepFileParser.Parse(text, "bad.yaml"));
        Assert.Contains("evenly spaced", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Luo's theory as a stand-in for measured verdicts: linear iff γ &lt; 1 or γ′ &gt; γ − 1.</summary>
    private static CellRegime TheoryRegime(BoundaryRefinement refinement, LatticeCell cell)
    {
        var gammaPrime = refinement.XAt(cell.I);
        var gamma = refinement.YAt(cell.J);
        return gamma < 1 || gammaPrime > gamma - 1 ? CellRegime.Lazy : CellRegime.Condensed;
    }

    /// <summary>Runs the refinement to its end with verdicts from theory, judging cells in the given order.</summary>
    private static HashSet<LatticeCell> Refine(BoundaryRefinement refinement, IReadOnlyList<LatticeCell> start, bool judgeOneAtATime = false)
    {
        var cells = new HashSet<LatticeCell>(start);
        var verdicts = new Dictionary<LatticeCell, CellVerdict>();
        var queue = new Queue<LatticeCell>(start);
        while (queue.Count > 0)
        {
            var batch = judgeOneAtATime ? [queue.Dequeue()] : queue.ToArray();
            if (!judgeOneAtATime)
            {
                queue.Clear();
            }

            foreach (var cell in batch)
            {
                verdicts[cell] = new CellVerdict(TheoryRegime(refinement, cell), double.NaN, double.NaN);
            }

            foreach (var added in refinement.Refine(cells, verdicts).Reverse())
            {
                cells.Add(added);
                queue.Enqueue(added);
            }
        }

        return cells;
    }
}
