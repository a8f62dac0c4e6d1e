using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// A validated sweep: the fields every run shares, the axes it varies, and the seeds each grid point is run with.
/// Produced by <see cref="SweepFileParser"/>; <see cref="Expand"/> turns it into runs.
/// </summary>
/// <remarks>
/// Values in <see cref="Fixed"/> and in <see cref="SweepAxis.Values"/> are already converted to their field's type:
/// numbers (integer or not) as <see cref="double"/>, text as lower-case <see cref="string"/>, switches as
/// <see cref="bool"/>, number lists as <c>double[]</c>.
/// </remarks>
public sealed record SweepDefinition
{
    /// <summary>The sweep's name ([a-z0-9-]+): names its store and its report.</summary>
    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The file the sweep was read from, as the caller named it (the file name given to Parse).</summary>
    public required string SourcePath { get; init; }

    /// <summary>Run-spec fields every run of the sweep shares, in file order (an ordered dictionary).</summary>
    public IReadOnlyDictionary<string, object> Fixed { get; init; } = new OrderedDictionary<string, object>(StringComparer.Ordinal);

    /// <summary>The varied fields in file order; the first axis varies slowest in <see cref="Expand"/>.</summary>
    public IReadOnlyList<SweepAxis> Axes { get; init; } = [];

    /// <summary>The seeds every grid point is run with.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [1];

    public SweepReportHints Report { get; init; } = new();

    /// <summary>Adaptive refinement of a boundary over two axes, or null for a plain grid.</summary>
    public SweepRefinement? Refine { get; init; }

    /// <summary>Number of grid points times seeds, before runs that turn out identical are merged.</summary>
    public long GridSize => Axes.Aggregate((long)Seeds.Count, (product, axis) => product * axis.Values.Count);

    /// <summary>
    /// Every run of the sweep: the cartesian product of the axes in axis order (first axis outermost) with the
    /// seeds innermost. Runs with the same key (the same run reached twice, e.g. a repeated axis value) appear once,
    /// at their first position, because a key names one stored result.
    /// </summary>
    /// <exception cref="SweepFileException">A point is not a valid run (only possible for a hand-built definition).</exception>
    public IReadOnlyList<SweepPoint> Expand()
    {
        var problems = new List<SweepProblem>();
        var points = SweepExpander.Expand(this, _ => 0, problems);
        if (problems.Count > 0)
        {
            throw new SweepFileException(problems);
        }

        return points;
    }
}

/// <summary>One varied field and the values it takes, in sweep order.</summary>
/// <param name="Field">A run-spec field name, as in <see cref="RunSpecBuilder.Fields"/>.</param>
/// <param name="Values">The values, converted to the field's type (see <see cref="SweepDefinition"/>).</param>
/// <param name="Kind">How the file gave them: <c>list</c>, <c>linspace</c> or <c>logspace</c>.</param>
public sealed record SweepAxis(string Field, IReadOnlyList<object> Values, string Kind);

/// <summary>How the phase report should draw this sweep; every hint is optional.</summary>
public sealed record SweepReportHints
{
    /// <summary>The field on the regime map's horizontal axis.</summary>
    public string? X { get; init; }

    /// <summary>The field on the regime map's vertical axis.</summary>
    public string? Y { get; init; }

    /// <summary>The theoretical boundary to draw over the map: <c>luo</c> or <c>none</c>.</summary>
    public string? Boundary { get; init; }

    /// <summary>The field whose value times √width is the crossover variable (e.g. <c>alphaG</c>).</summary>
    public string? Crossover { get; init; }
}

/// <summary>
/// <c>refine: {x: gammaPrime, y: gamma, levels: 3}</c>: the grid of <see cref="X"/> × <see cref="Y"/> is the coarse
/// start; up to <see cref="Levels"/> times, every square of neighbouring cells whose regimes disagree (or where a
/// cell's slope interval straddles a regime threshold) gets the cells at half its spacing (SCIENCE.md §7).
/// </summary>
public sealed record SweepRefinement(string X, string Y, int Levels);

/// <summary>One run of a sweep.</summary>
/// <param name="Spec">The full, validated run spec.</param>
/// <param name="Key">The run's content key (<see cref="Runs.RunKey.For"/>): shared by every sweep containing this run.</param>
/// <param name="AxisValues">This run's value on each axis (by field name) and its <c>seed</c> (a <see cref="long"/>).</param>
public sealed record SweepPoint(RunSpec Spec, string Key, IReadOnlyDictionary<string, object> AxisValues);
