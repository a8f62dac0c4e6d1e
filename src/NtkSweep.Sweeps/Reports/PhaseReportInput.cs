using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Reports;

/// <summary>Hints from a sweep file on how to draw its report; every one is optional.</summary>
public sealed record ReportOptions
{
    /// <summary>Spec field for the regime map's horizontal axis.</summary>
    public string? XField { get; init; }

    /// <summary>Spec field for the regime map's vertical axis.</summary>
    public string? YField { get; init; }

    /// <summary>"luo" forces the (γ′, γ) plane with Luo et al.'s boundary, "none" hides the boundary, null decides from the axes.</summary>
    public string? Boundary { get; init; }

    /// <summary>Spec field whose value × √m is the crossover variable (e.g. alphaG, giving Geiger's α_G·√m).</summary>
    public string? CrossoverField { get; init; }

    /// <summary>The sweep's adaptive refinement, when it has one: the map then draws each cell at its own level's size.</summary>
    public RefinementLayout? Refinement { get; init; }

    /// <summary>The options a sweep file's <c>report:</c> section asks for.</summary>
    public static ReportOptions FromHints(SweepReportHints hints)
    {
        ArgumentNullException.ThrowIfNull(hints);
        return new ReportOptions { XField = hints.X, YField = hints.Y, Boundary = hints.Boundary, CrossoverField = hints.Crossover };
    }
}

/// <summary>Everything the phase report is made from: runs from one or several sweeps of a store.</summary>
public sealed record PhaseReportInput
{
    public required string Title { get; init; }

    public required IReadOnlyList<StoredRun> Runs { get; init; }

    public ReportOptions Options { get; init; } = new();
}

/// <summary>
/// The lattice a refined sweep lives on: the coarse grid's first values and spacings over two fields, and the levels
/// the file allows. A cell's level is the coarsest lattice it sits on.
/// </summary>
public sealed record RefinementLayout(string XField, string YField, double X0, double XStep, int XCount, double Y0, double YStep, int YCount, int Levels)
{
    public static RefinementLayout? Of(Files.SweepDefinition sweep)
    {
        if (sweep.Refine is not { } refine)
        {
            return null;
        }

        var x = sweep.Axes.Single(axis => axis.Field == refine.X).Values.Cast<double>().ToArray();
        var y = sweep.Axes.Single(axis => axis.Field == refine.Y).Values.Cast<double>().ToArray();
        return new RefinementLayout(refine.X, refine.Y, x[0], x[1] - x[0], x.Length, y[0], y[1] - y[0], y.Length, refine.Levels);
    }

    /// <summary>The level of a cell at (x, y): 0 on the coarse grid, ℓ on the lattice of spacing 2^−ℓ.</summary>
    public int LevelOf(double x, double y)
    {
        var scale = 1 << Levels;
        var i = (long)Math.Round((x - X0) / XStep * scale);
        var j = (long)Math.Round((y - Y0) / YStep * scale);
        for (var level = 0; level < Levels; level++)
        {
            var step = scale >> level;
            if (i % step == 0 && j % step == 0)
            {
                return level;
            }
        }

        return Levels;
    }

    /// <summary>Cells of a uniform grid at the spacing of <paramref name="level"/>.</summary>
    public long UniformCells(int level) => (((long)XCount - 1) * (1L << level) + 1) * (((long)YCount - 1) * (1L << level) + 1);
}

/// <summary>What a refined sweep ran against the uniform grid of its finest spacing.</summary>
/// <param name="Levels">The deepest level any cell reached.</param>
/// <param name="UniformEquivalentRuns">The runs a uniform grid at that spacing would take (its cells × runs per cell).</param>
public sealed record RefinementSummary(int Levels, int Cells, int Runs, long UniformEquivalentCells, long UniformEquivalentRuns);

