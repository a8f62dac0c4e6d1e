namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Zhou &amp; Ge's local analysis with weight decay: the student's mass gathers into one cluster per teacher direction
/// carrying about |a*_i|, far neurons vanish, and a lazy start without decay keeps its mass far from the teacher.
/// Everything is read at each cell's largest width (seed means).
/// </summary>
internal static class ZhouGeClaims
{
    public const string Citation = "Zhou, Ge, \"How Does Gradient Descent Learn Features — A Local Analysis for Regularized Two-Layer Neural Networks\" (NeurIPS 2024)";

    /// <summary>SCIENCE.md §4: weight decay alone pulls a net out of the lazy regime once λ·Ση ≳ 1.</summary>
    public const double SufficientBudget = 1;

    /// <summary>Cluster masses must match |a*_i| to this relative tolerance.</summary>
    public const double MassTolerance = 0.25;

    /// <summary>The dead band's far-mass threshold: below it the mass sits on the teacher directions.</summary>
    public const double FarMassLimit = PhaseAnalyzer.FarMassThreshold;

    /// <summary>"Most of its mass" far from the teacher.</summary>
    public const double LazyFarMass = 0.5;

    /// <summary>
    /// Luo's γ at or above this is a rich start, below it lazy: midway between the NTK and LeCun/He points (γ = ½) and
    /// mean-field (γ = 1). Xavier approaches 1 only logarithmically (γ = 0.86 at m = 128, 0.90 at m = 1024, d = 8).
    /// </summary>
    public const double RichGamma = 0.75;

    public static PaperClaimReport Evaluate(PhaseAnalysis analysis, string recognizedBy)
    {
        var cells = analysis.Cells.Where(cell => cell.LargestDoneWidth is { TeacherWeight.Count: > 0 }).ToArray();
        var decayed = cells.Where(cell => Decay(cell) > 0 && Largest(cell).DecayBudget.Value >= SufficientBudget).ToArray();
        var claims = new List<PaperClaim>();

        var covered = decayed.Count(cell => Largest(cell).EveryTeacherCovered);
        claims.Add(ClaimMath.Fraction(
            "zhouge.decay-coverage",
            $"With weight decay (budget λ·Ση ≥ {ClaimMath.Format(SufficientBudget)}), every teacher direction gets a cluster of student neurons (cluster mass ≥ ½|a*_i|)",
            covered,
            decayed.Length,
            1,
            "cluster masses / |a*|: " + MassList(decayed)));

        var deviations = decayed.SelectMany(cell => Ratios(cell).Select(ratio => Math.Abs(ratio - 1))).ToArray();
        var worst = deviations.Length == 0 ? double.NaN : deviations.Max();
        claims.Add(new PaperClaim
        {
            Id = "zhouge.cluster-mass",
            Statement = "Each cluster carries about |a*_i| of mass",
            Prediction = "cluster mass / |a*_i| = 1",
            PredictedValue = 1,
            MeasuredValue = worst,
            MeasuredText = double.IsFinite(worst) ? $"largest |mass/|a*| − 1| = {ReportText.Number(worst, 3)}" : ReportText.Dash,
            Rule = $"reproduced if every cluster mass is within ±{ClaimMath.Format(100 * MassTolerance)}% of |a*_i| in every cell with budget ≥ {ClaimMath.Format(SufficientBudget)}",
            Verdict = ClaimMath.Verdict(worst, worst <= MassTolerance),
            Evidence = double.IsFinite(worst) ? $"largest deviation {ReportText.Number(100 * worst, 3)}%; " + MassList(decayed) : "no cell with enough decay",
        });

        var farWithDecay = decayed.Select(cell => Largest(cell).FarMass.Value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        claims.Add(new PaperClaim
        {
            Id = "zhouge.far-mass-decay",
            Statement = "With weight decay the far neurons shrink to zero",
            Prediction = "far-mass fraction → 0",
            PredictedValue = 0,
            MeasuredValue = farWithDecay,
            MeasuredText = $"largest far mass {ReportText.Number(farWithDecay, 3)}",
            Rule = $"reproduced if the far-mass fraction is below {ClaimMath.Format(FarMassLimit)} in every cell with budget ≥ {ClaimMath.Format(SufficientBudget)}",
            Verdict = ClaimMath.Verdict(farWithDecay, farWithDecay < FarMassLimit),
            Evidence = "far mass " + FarList(decayed),
        });

        var lazyWithout = cells.Where(cell => Decay(cell) == 0 && !IsRich(cell)).ToArray();
        var lazyFar = lazyWithout.Select(cell => Largest(cell).FarMass.Value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        claims.Add(new PaperClaim
        {
            Id = "zhouge.lazy-far-without-decay",
            Statement = "Without weight decay a lazy net keeps most of its mass far from the teacher directions",
            Prediction = $"far-mass fraction > {ClaimMath.Format(LazyFarMass)}",
            PredictedValue = LazyFarMass,
            MeasuredValue = lazyFar,
            MeasuredText = $"smallest far mass {ReportText.Number(lazyFar, 3)}",
            Rule = $"reproduced if the far-mass fraction exceeds {ClaimMath.Format(LazyFarMass)} in every lazy cell without decay",
            Verdict = ClaimMath.Verdict(lazyFar, lazyFar > LazyFarMass),
            Evidence = "far mass " + FarList(lazyWithout) + "; rich starts without decay: " + FarList(cells.Where(cell => Decay(cell) == 0 && IsRich(cell))),
        });

        var lazyDecayed = decayed.Where(cell => !IsRich(cell)).ToArray();
        var moved = lazyDecayed.Count(cell => cell.Regime == CellRegime.FeatureLearning);
        var stayed = lazyWithout.Count(cell => cell.Regime != CellRegime.FeatureLearning);
        var total = lazyDecayed.Length + lazyWithout.Length;
        claims.Add(new PaperClaim
        {
            Id = "zhouge.decay-moves-lazy",
            Statement = $"The decay budget moves a lazy net into feature learning: lazy without decay, feature learning once λ·Ση ≳ {ClaimMath.Format(SufficientBudget)}",
            Prediction = "all lazy-start cells labelled as predicted",
            PredictedValue = 1,
            MeasuredValue = total == 0 ? double.NaN : (double)(moved + stayed) / total,
            MeasuredText = $"{moved + stayed} / {total} cells",
            Rule = "reproduced if every lazy-start cell without decay is not feature learning and every one with budget ≥ 1 is (dead-band label at the largest width)",
            Verdict = lazyDecayed.Length == 0 || lazyWithout.Length == 0 ? ClaimVerdict.Inconclusive : moved + stayed == total ? ClaimVerdict.Reproduced : ClaimVerdict.NotReproduced,
            Evidence = "lazy starts: " + RegimeList(lazyWithout.Concat(cells.Where(cell => !IsRich(cell) && Decay(cell) > 0))),
        });

        var lossWithout = lazyWithout.Select(cell => Largest(cell).TestLoss.Value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        var lossWith = lazyDecayed.Select(cell => Largest(cell).TestLoss.Value).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        var lossRatio = lossWith / lossWithout;
        claims.Add(new PaperClaim
        {
            Id = "zhouge.test-loss",
            Statement = "Learning the teacher's features generalizes: with decay the lazy start reaches a lower test loss than without",
            Prediction = "test loss ratio (with / without decay) < 1",
            PredictedValue = 1,
            MeasuredValue = lossRatio,
            MeasuredText = $"ratio {ReportText.Number(lossRatio, 3)}",
            Rule = "reproduced if the best lazy-start test loss with budget ≥ 1 is below the one without decay",
            Verdict = ClaimMath.Verdict(lossRatio, lossRatio < 1),
            Evidence = $"lazy start: test loss {ReportText.Number(lossWithout, 3)} without decay, {ReportText.Number(lossWith, 3)} with (ratio {ReportText.Number(lossRatio, 3)})",
        });

        return new PaperClaimReport
        {
            Paper = PaperKind.ZhouGeWeightDecay,
            Citation = Citation,
            RecognizedBy = recognizedBy,
            Claims = claims,
            Charts = Charts(cells),
        };
    }

    public static bool IsRich(PhaseCell cell) => double.IsFinite(cell.Gamma) && cell.Gamma >= RichGamma;

    private static double Decay(PhaseCell cell) => cell.Runs[0].Spec.WeightDecay;

    private static WidthAggregate Largest(PhaseCell cell) => cell.LargestDoneWidth!;

    private static IEnumerable<double> Ratios(PhaseCell cell)
    {
        var largest = Largest(cell);
        return largest.TeacherClusterMass.Select((mass, index) => mass / largest.TeacherWeight[index]);
    }

    private static string MassList(IEnumerable<PhaseCell> cells)
    {
        var items = cells.Select(cell => $"{cell.Label}: {string.Join(", ", Ratios(cell).Select(ratio => ReportText.Number(ratio, 3)))}").ToArray();
        return items.Length == 0 ? ReportText.Dash : string.Join("; ", items);
    }

    private static string FarList(IEnumerable<PhaseCell> cells)
    {
        var items = cells.Select(cell => $"{cell.Label}: {ReportText.Number(Largest(cell).FarMass.Value, 3)} (budget {ReportText.Number(Largest(cell).DecayBudget.Value, 3)})").ToArray();
        return items.Length == 0 ? ReportText.Dash : string.Join("; ", items);
    }

    private static string RegimeList(IEnumerable<PhaseCell> cells)
    {
        var items = cells.Select(cell => $"{cell.Label}: {ReportText.RegimeLabel(cell.Regime)} (budget {ReportText.Number(Largest(cell).DecayBudget.Value, 3)})").ToArray();
        return items.Length == 0 ? ReportText.Dash : string.Join("; ", items);
    }

    /// <summary>Far mass and the total cluster mass over Σ|a*| against λ, one series per start (the cell's other coordinates).</summary>
    private static IReadOnlyList<ClaimChart> Charts(IReadOnlyList<PhaseCell> cells)
    {
        var decays = cells.Select(Decay).Distinct().Order().ToArray();
        if (decays.Length < 2)
        {
            return [];
        }

        var groups = cells
            .GroupBy(cell => string.Join(" · ", cell.Coordinates.Where(c => c.Field != "weightDecay").Select(c => ReportText.FieldAssignment(c.Field, c.Value))), StringComparer.Ordinal)
            .ToArray();
        ClaimChart Build(string heading, string yTitle, string caption, Func<PhaseCell, MetricEstimate> metric)
        {
            var series = groups.Select((group, index) => new ClaimSeries(
                group.Key.Length == 0 ? "all cells" : group.Key,
                ClaimSeriesStyle.Measured,
                index,
                group.OrderBy(Decay)
                    .Select(cell => (Cell: cell, Estimate: metric(cell)))
                    .Where(pair => pair.Estimate.HasValue)
                    .Select(pair => new ClaimPoint(
                        Array.IndexOf(decays, Decay(pair.Cell)),
                        pair.Estimate.Value,
                        pair.Estimate.Low,
                        pair.Estimate.High,
                        $"{pair.Cell.Label}: {ReportText.Number(pair.Estimate.Value, 3)}, budget {ReportText.Number(Largest(pair.Cell).DecayBudget.Value, 3)}"))
                    .ToArray()))
                .ToList();
            return new ClaimChart
            {
                Heading = heading,
                Caption = caption,
                XTitle = "weight decay λ",
                YTitle = yTitle,
                XCategories = decays.Select(decay => ReportText.Number(decay, 3)).ToArray(),
                Series = series,
            };
        }

        MetricEstimate CoveredShare(PhaseCell cell)
        {
            var largest = Largest(cell);
            var total = largest.TeacherWeight.Sum();
            return new MetricEstimate(largest.TeacherClusterMass.Sum() / total, double.NaN, double.NaN, largest.Counts.Done);
        }

        return
        [
            Build(
                "Far-mass fraction against weight decay",
                "far-mass fraction",
                "Mass outside every teacher cluster over the total mass, at the largest width (mean over seeds, 95% CI), one line per start. Zhou & Ge: with decay it goes to 0.",
                cell => Largest(cell).FarMass),
            Build(
                "Cluster mass against weight decay",
                "Σ cluster mass / Σ|a*_i|",
                "Total mass in the teacher clusters (cos ≥ cos 15°, matching sign) over the teacher's Σ|a*_i|, at the largest width (mean over seeds). Zhou & Ge: with decay it goes to 1.",
                CoveredShare),
        ];
    }
}
