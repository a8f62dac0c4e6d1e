namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>The published result a sweep reproduces.</summary>
public enum PaperKind
{
    /// <summary>Luo, Xu, Ma, Zhang, JMLR 2021: the (γ′, γ) phase diagram.</summary>
    LuoPhaseDiagram,

    /// <summary>Geiger, Spigler, Jacot, Wyart 2020: the crossover output scale α_G* ∝ m^−½.</summary>
    GeigerCrossover,

    /// <summary>Chizat, Oyallon, Bach, NeurIPS 2019: movement and linearization gap shrink like 1/α.</summary>
    ChizatLazyLimit,

    /// <summary>Zhou &amp; Ge, NeurIPS 2024: weight decay gathers the student's mass on the teacher directions.</summary>
    ZhouGeWeightDecay,

    /// <summary>Lee et al., NeurIPS 2019: a wide lazy net stays within O(m^−½) of its infinite-width kernel predictor.</summary>
    LeeKernelLimit,
}

public enum ClaimVerdict
{
    Reproduced,
    NotReproduced,

    /// <summary>The runs cannot decide the claim (too few widths, no crossing, nothing measurable).</summary>
    Inconclusive,
}

/// <summary>
/// One claim of a paper checked against the runs: what the paper predicts, what was measured (with a 95% interval
/// where there is one), the rule that turns the two into a verdict, and the verdict.
/// </summary>
public sealed record PaperClaim
{
    /// <summary>A stable identifier, e.g. "luo.ntk-slope"; tests and report.json refer to claims by it.</summary>
    public required string Id { get; init; }

    /// <summary>The claim in the paper's words, shortened.</summary>
    public required string Statement { get; init; }

    /// <summary>The predicted value as text ("−0.5", "≥ 90% of cells").</summary>
    public required string Prediction { get; init; }

    /// <summary>The predicted number, NaN for a qualitative claim.</summary>
    public double PredictedValue { get; init; } = double.NaN;

    /// <summary>The measured number the verdict is based on.</summary>
    public required double MeasuredValue { get; init; }

    /// <summary>Lower end of the measured value's 95% interval (NaN when there is none).</summary>
    public double Low { get; init; } = double.NaN;

    public double High { get; init; } = double.NaN;

    /// <summary>How the measurement reads in the claims table when a bare number would hide it ("6 / 6 cells"); null prints the number.</summary>
    public string? MeasuredText { get; init; }

    /// <summary>How the verdict is decided, with its tolerance.</summary>
    public required string Rule { get; init; }

    public required ClaimVerdict Verdict { get; init; }

    /// <summary>The numbers behind the verdict, in a sentence.</summary>
    public required string Evidence { get; init; }
}

/// <summary>The claims of one paper checked against one report's runs, and the charts that show them.</summary>
public sealed record PaperClaimReport
{
    public required PaperKind Paper { get; init; }

    /// <summary>"Luo, Xu, Ma, Zhang (JMLR 2021)".</summary>
    public required string Citation { get; init; }

    /// <summary>Why the report thinks these runs reproduce this paper ("sweep name", "axes").</summary>
    public required string RecognizedBy { get; init; }

    public required IReadOnlyList<PaperClaim> Claims { get; init; }

    public IReadOnlyList<ClaimChart> Charts { get; init; } = [];

    /// <summary>
    /// Runs are still pending: the claims show what the finished runs measure so far, and every verdict is held back
    /// (inconclusive) until the sweep is complete.
    /// </summary>
    public bool Provisional { get; init; }

    public PaperClaim? Find(string id) => Claims.FirstOrDefault(claim => claim.Id == id);
}

/// <summary>A point of a claim chart with an optional 95% interval.</summary>
public sealed record ClaimPoint(double X, double Y, double Low = double.NaN, double High = double.NaN, string? Tooltip = null);

/// <summary>How a claim-chart series is drawn: measured data (markers), a fitted line, or the paper's prediction.</summary>
public enum ClaimSeriesStyle
{
    Measured,
    Fit,
    Prediction,
}

public sealed record ClaimSeries(string Name, ClaimSeriesStyle Style, int ColorIndex, IReadOnlyList<ClaimPoint> Points);

/// <summary>The data of one chart beside the claims table; rendered to SVG by the HTML writer.</summary>
public sealed record ClaimChart
{
    public required string Heading { get; init; }

    public required string Caption { get; init; }

    public required string XTitle { get; init; }

    public required string YTitle { get; init; }

    public bool LogX { get; init; }

    public bool LogY { get; init; }

    /// <summary>Names of the x categories when x is a category index (0, 1, …); empty for a numeric axis.</summary>
    public IReadOnlyList<string> XCategories { get; init; } = [];

    public required IReadOnlyList<ClaimSeries> Series { get; init; }
}
