using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Recognizes which paper a report's runs reproduce, first from the sweep name in the title (the committed sweep files
/// luo-phase-diagram, geiger-crossover, chizat-lazy-limit, zhou-ge-weight-decay, lee-kernel-limit and their reduced versions), else from
/// the axes, and checks that paper's claims against the analysis.
/// </summary>
public static class PaperClaims
{
    private static readonly (string Name, PaperKind Paper)[] SweepNames =
    [
        ("luo-phase-diagram", PaperKind.LuoPhaseDiagram),
        ("geiger-crossover", PaperKind.GeigerCrossover),
        ("chizat-lazy-limit", PaperKind.ChizatLazyLimit),
        ("zhou-ge-weight-decay", PaperKind.ZhouGeWeightDecay),
        ("lee-kernel-limit", PaperKind.LeeKernelLimit),
    ];

    /// <summary>The claims of the recognized paper, or null when the runs do not look like any of them.</summary>
    public static PaperClaimReport? Evaluate(PhaseAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var recognized = Recognize(analysis);
        if (recognized is not { } found)
        {
            return null;
        }

        var report = found.Paper switch
        {
            PaperKind.LuoPhaseDiagram => LuoClaims.Evaluate(analysis, found.By),
            PaperKind.GeigerCrossover => GeigerClaims.Evaluate(analysis, found.By),
            PaperKind.ChizatLazyLimit => ChizatClaims.Evaluate(analysis, found.By),
            PaperKind.LeeKernelLimit => LeeClaims.Evaluate(analysis, found.By),
            _ => ZhouGeClaims.Evaluate(analysis, found.By),
        };
        var unfinished = analysis.Counts.Pending + analysis.Counts.Running;
        if (unfinished == 0)
        {
            return report;
        }

        var heldBack = $"held back: {unfinished} of {analysis.Counts.Total} runs have not finished; ";
        return report with
        {
            Provisional = true,
            Claims = [.. report.Claims.Select(claim => claim with { Verdict = ClaimVerdict.Inconclusive, Evidence = heldBack + claim.Evidence })],
        };
    }

    public static (PaperKind Paper, string By)? Recognize(PhaseAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        foreach (var (name, paper) in SweepNames)
        {
            if (analysis.Title.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                return (paper, $"sweep name '{name}'");
            }
        }

        var finished = analysis.Runs.Select(run => run.Stored).Where(run => run.State == RunState.Done && run.Result is not null).ToArray();
        if (finished.Length == 0)
        {
            return null;
        }

        bool Varies(string field) => analysis.CellFields.Contains(field, StringComparer.Ordinal);
        if (Varies("alphaG") && finished.All(run => run.Spec.Parametrization.Kind == ParametrizationKind.Geiger))
        {
            return finished.All(run => run.Spec.StepRule == StepRule.Fixed && run.Spec.LossTolerance == 0)
                ? (PaperKind.ChizatLazyLimit, "axes: α_G varies at a fixed step size and horizon")
                : analysis.Widths.Count >= 2 ? (PaperKind.GeigerCrossover, "axes: α_G × width") : null;
        }

        if (Varies("gamma") && Varies("gammaPrime") && analysis.Widths.Count >= PhaseAnalyzer.MinimumWidthsForFit)
        {
            return (PaperKind.LuoPhaseDiagram, "axes: (γ′, γ) × width");
        }

        if (Varies("weightDecay") && finished.All(run => run.Spec.Data == DataKind.Teacher))
        {
            return (PaperKind.ZhouGeWeightDecay, "axes: teacher–student × weight decay");
        }

        return null;
    }

    public static string PaperName(PaperKind paper) => paper switch
    {
        PaperKind.LuoPhaseDiagram => "luo-phase-diagram",
        PaperKind.GeigerCrossover => "geiger-crossover",
        PaperKind.ChizatLazyLimit => "chizat-lazy-limit",
        PaperKind.ZhouGeWeightDecay => "zhou-ge-weight-decay",
        PaperKind.LeeKernelLimit => "lee-kernel-limit",
        _ => throw new ArgumentOutOfRangeException(nameof(paper)),
    };

    public static string VerdictName(ClaimVerdict verdict) => verdict switch
    {
        ClaimVerdict.Reproduced => "reproduced",
        ClaimVerdict.NotReproduced => "not reproduced",
        ClaimVerdict.Inconclusive => "inconclusive",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };
}
