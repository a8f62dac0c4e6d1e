using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Reports.Claims;

/// <summary>
/// Luo et al.'s phase diagram: RD_w ~ m^−½ at the NTK point, m^−3/2 at LeCun/He, slope 0 on the boundary, RD_w → 0
/// on the linear side and → ∞ on the condensed side, and ΔK on the same side as RD_w.
/// </summary>
internal static class LuoClaims
{
    public const string Citation = "Luo, Xu, Ma, Zhang, \"Phase Diagram for Two-layer ReLU Neural Networks at Infinite-width Limit\" (JMLR 2021)";

    /// <summary>Share of off-boundary cells whose label must match theory's side: the grid straddles the boundary,
    /// where finite widths blur the label, so a few cells next to it may disagree.</summary>
    public const double SideAgreement = 0.85;

    /// <summary>Share of boundary cells that must measure a critical slope.</summary>
    public const double BoundaryAgreement = 0.5;

    private const double PointTolerance = 1e-9;

    public static PaperClaimReport Evaluate(PhaseAnalysis analysis, string recognizedBy)
    {
        var cells = analysis.Cells.Where(cell => cell.Runs[0].Spec.WeightDecay == 0).ToArray();
        var claims = new List<PaperClaim>();
        var ntk = cells.FirstOrDefault(cell => IsPoint(cell, 0, 0.5, Preset.Ntk));
        claims.Add(ClaimMath.Exponent("luo.ntk-slope", "At the NTK point (γ′, γ) = (0, ½), RD_w ~ m^−½", -0.5, ntk?.RdWFit, Where(ntk)));
        var lecun = cells.FirstOrDefault(cell => IsPoint(cell, 0.5, 0.5, Preset.LeCun) || IsPoint(cell, 0.5, 0.5, Preset.He));
        claims.Add(ClaimMath.Exponent("luo.lecun-slope", "At the LeCun/He point (½, ½), RD_w ~ m^−3/2", -1.5, lecun?.RdWFit, Where(lecun)));
        var meanField = cells.FirstOrDefault(cell => IsPoint(cell, 0, 1, Preset.MeanField));
        claims.Add(ClaimMath.Exponent("luo.mean-field-slope", "At the mean-field kink (0, 1), RD_w neither grows nor vanishes: slope 0", 0, meanField?.RdWFit, Where(meanField)));

        var boundary = cells.Where(cell => Side(cell) == TheorySide.Boundary && cell.RdWFit is not null).ToArray();
        var critical = boundary.Count(cell => Math.Abs(cell.RdWFit!.Slope) <= PhaseAnalyzer.CriticalSlope);
        claims.Add(ClaimMath.Fraction(
            "luo.boundary-critical",
            "On the boundary {γ = 1, γ′ ≤ 0} ∪ {γ′ = γ − 1, γ ≥ 1} the slope of log RD_w is 0 (critical, |s| ≤ 0.1)",
            critical,
            boundary.Length,
            BoundaryAgreement,
            "boundary slopes " + SlopeList(boundary)));

        var linear = cells.Where(cell => Side(cell) == TheorySide.Linear).ToArray();
        var linearFitted = linear.Where(cell => cell.RdWFit is not null).ToArray();
        var weights = RefinementWeights(analysis);
        claims.Add(SideFraction(
            "luo.linear-side",
            "Linear regime iff γ < 1 or γ′ > γ − 1: RD_w → 0 as m grows (slope < −0.1)",
            linearFitted,
            cell => cell.RdWFit!.Slope < -PhaseAnalyzer.CriticalSlope,
            weights,
            Unmeasurable(linear.Length - linearFitted.Length) + "disagreeing: " + Disagreeing(linearFitted, cell => cell.RdWFit!.Slope < -PhaseAnalyzer.CriticalSlope)));

        var condensed = cells.Where(cell => Side(cell) == TheorySide.Condensed).ToArray();
        var condensedFitted = condensed.Where(cell => cell.RdWFit is not null).ToArray();
        claims.Add(SideFraction(
            "luo.condensed-side",
            "Condensed regime iff γ > 1 and γ′ < γ − 1: RD_w → ∞ as m grows (slope > +0.1)",
            condensedFitted,
            cell => cell.RdWFit!.Slope > PhaseAnalyzer.CriticalSlope,
            weights,
            Unmeasurable(condensed.Length - condensedFitted.Length) + "disagreeing: " + Disagreeing(condensedFitted, cell => cell.RdWFit!.Slope > PhaseAnalyzer.CriticalSlope)));

        var offBoundary = linear.Concat(condensed).Where(cell => cell.KernelChangeFit is not null).ToArray();
        bool KernelAgrees(PhaseCell cell) => Side(cell) == TheorySide.Linear
            ? cell.KernelChangeFit!.Slope < -PhaseAnalyzer.CriticalSlope
            : cell.KernelChangeFit!.Slope > PhaseAnalyzer.CriticalSlope;
        claims.Add(SideFraction(
            "luo.kernel-side",
            "ΔK follows the same side of the boundary as RD_w (slope of log ΔK < −0.1 linear, > +0.1 condensed)",
            offBoundary,
            KernelAgrees,
            weights,
            Unmeasurable(linear.Length + condensed.Length - offBoundary.Length) + "disagreeing: " + Disagreeing(offBoundary, KernelAgrees)));

        return new PaperClaimReport
        {
            Paper = PaperKind.LuoPhaseDiagram,
            Citation = Citation,
            RecognizedBy = recognizedBy,
            Claims = claims,
            Charts = [SlopeChart(cells)],
        };
    }

    /// <summary>
    /// The share of cells that agree; on a refined map, the share of the plane they cover. Refinement puts most cells
    /// next to the boundary, where finite widths blur the labels, so counting cells would judge the boundary's
    /// neighbourhood instead of the plane.
    /// </summary>
    private static PaperClaim SideFraction(string id, string statement, IReadOnlyList<PhaseCell> cells, Func<PhaseCell, bool> agrees, IReadOnlyDictionary<int, double>? weights, string evidence)
    {
        var claim = ClaimMath.Fraction(id, statement, cells.Count(agrees), cells.Count, SideAgreement, evidence);
        if (weights is null || cells.Count == 0)
        {
            return claim;
        }

        var total = cells.Sum(cell => weights.GetValueOrDefault(cell.Index));
        var agreeing = cells.Where(agrees).Sum(cell => weights.GetValueOrDefault(cell.Index));
        var share = total > 0 ? agreeing / total : double.NaN;
        return claim with
        {
            Prediction = $"≥ {ClaimMath.Format(100 * SideAgreement)}% of the area",
            MeasuredValue = share,
            MeasuredText = $"{cells.Count(agrees)} / {cells.Count} cells, {ClaimMath.Format(Math.Round(100 * share))}% of the area",
            Rule = $"reproduced if cells covering at least {ClaimMath.Format(100 * SideAgreement)}% of the measurable area agree (a refined map weighs each cell by the part of the plane its tile covers)",
            Verdict = double.IsFinite(share) ? share >= SideAgreement ? ClaimVerdict.Reproduced : ClaimVerdict.NotReproduced : ClaimVerdict.Inconclusive,
        };
    }

    /// <summary>
    /// For a refined sweep, the points of the finest lattice each cell's tile covers (the finest cell over a point
    /// covers it, as the map paints them); null for a plain grid.
    /// </summary>
    private static Dictionary<int, double>? RefinementWeights(PhaseAnalysis analysis)
    {
        if (analysis.RefinementLayout is not { } layout)
        {
            return null;
        }

        var scale = 1 << layout.Levels;
        var byLattice = new Dictionary<(long I, long J), PhaseCell>();
        foreach (var cell in analysis.Cells)
        {
            var i = (long)Math.Round((cell.ValueOf(layout.XField).Number - layout.X0) / layout.XStep * scale);
            var j = (long)Math.Round((cell.ValueOf(layout.YField).Number - layout.Y0) / layout.YStep * scale);
            byLattice.TryAdd((i, j), cell);
        }

        var weights = new Dictionary<int, double>();
        for (long i = 0; i <= (long)(layout.XCount - 1) * scale; i++)
        {
            for (long j = 0; j <= (long)(layout.YCount - 1) * scale; j++)
            {
                for (var level = layout.Levels; level >= 0; level--)
                {
                    var step = scale >> level;
                    // The nearest point of that level's lattice; its tile spans half a step each way.
                    var key = (Nearest(i, step), Nearest(j, step));
                    if (byLattice.TryGetValue(key, out var owner) && layout.LevelOf(owner.ValueOf(layout.XField).Number, owner.ValueOf(layout.YField).Number) == level)
                    {
                        weights[owner.Index] = weights.GetValueOrDefault(owner.Index) + 1;
                        break;
                    }
                }
            }
        }

        return weights;
    }

    private static long Nearest(long index, int step) => (long)Math.Floor((index + step / 2.0) / step) * step;

    /// <summary>Theory's side for a cell at its own (γ′, γ).</summary>
    public static TheorySide Side(PhaseCell cell) => LuoTheory.SideOf(cell.GammaPrime, cell.Gamma);

    /// <summary>
    /// The predicted slope where theory gives a number: −½ at the NTK point, −3/2 at LeCun/He (½, ½; the Luo 1-D task has
    /// d = 1, so LeCun's κ = 1/√(md) is exactly m^−½), 0 on the boundary.
    /// </summary>
    public static double PredictedSlope(PhaseCell cell)
    {
        if (IsPoint(cell, 0, 0.5, Preset.Ntk))
        {
            return -0.5;
        }

        if (IsPoint(cell, 0.5, 0.5, Preset.LeCun) || IsPoint(cell, 0.5, 0.5, Preset.He))
        {
            return -1.5;
        }

        return Side(cell) == TheorySide.Boundary ? 0 : double.NaN;
    }

    private static bool IsPoint(PhaseCell cell, double gammaPrime, double gamma, Preset preset)
    {
        var parametrization = cell.Runs[0].Spec.Parametrization;
        return parametrization.Kind switch
        {
            ParametrizationKind.Luo => Math.Abs(parametrization.GammaPrime - gammaPrime) < PointTolerance && Math.Abs(parametrization.Gamma - gamma) < PointTolerance,
            ParametrizationKind.Preset => parametrization.Preset == preset,
            _ => false,
        };
    }

    private static string Where(PhaseCell? cell) => cell is null ? "the sweep has no such cell" : "cell " + cell.Label;

    private static string Unmeasurable(int count) => count == 0 ? string.Empty : $"{count} {(count == 1 ? "cell" : "cells")} without a slope (too few widths with a nonzero value: RD_w and ΔK are read from the float32 copy of the weights the kernels use, which stays exactly as it was where training moves a weight by less than its float32 rounding step) are left out; ";

    private static string SlopeList(IEnumerable<PhaseCell> cells)
    {
        var items = cells.Select(cell => $"({ReportText.Number(cell.GammaPrime, 3)}, {ReportText.Number(cell.Gamma, 3)}): {ReportText.Slope(cell.RdWFit!.Slope)}").ToArray();
        return items.Length == 0 ? ReportText.Dash : string.Join(", ", items);
    }

    private static string Disagreeing(IEnumerable<PhaseCell> cells, Func<PhaseCell, bool> agrees)
    {
        var list = cells.Where(cell => !agrees(cell)).ToArray();
        return list.Length == 0 ? "none" : SlopeListWithKernel(list);
    }

    private static string SlopeListWithKernel(IEnumerable<PhaseCell> cells) => string.Join(", ", cells.Select(cell =>
        $"(γ′, γ) = ({ReportText.Number(cell.GammaPrime, 3)}, {ReportText.Number(cell.Gamma, 3)}) with s(RD_w) {(cell.RdWFit is null ? ReportText.Dash : ReportText.Slope(cell.RdWFit.Slope))}, s(ΔK) {(cell.KernelChangeFit is null ? ReportText.Dash : ReportText.Slope(cell.KernelChangeFit.Slope))}"));

    /// <summary>Measured slope (95% CI) against the predicted one for every cell where theory gives a number, over y = x.</summary>
    private static ClaimChart SlopeChart(IReadOnlyList<PhaseCell> cells)
    {
        var predicted = cells
            .Where(cell => cell.RdWFit is not null && double.IsFinite(PredictedSlope(cell)))
            .Select(cell => new ClaimPoint(
                PredictedSlope(cell),
                cell.RdWFit!.Slope,
                cell.RdWFit.Low,
                cell.RdWFit.High,
                $"(γ′, γ) = ({ReportText.Number(cell.GammaPrime, 3)}, {ReportText.Number(cell.Gamma, 3)}): s = {ReportText.SlopeWithInterval(cell.RdWFit)}"))
            .ToArray();
        const double spread = 0.06;
        // Boundary cells all predict 0: spread them sideways so their intervals stay readable.
        var dodged = predicted
            .GroupBy(point => point.X)
            .SelectMany(group => group.Select((point, index) => point with { X = point.X + (index - (group.Count() - 1) / 2.0) * spread }))
            .ToArray();
        var identity = new ClaimPoint[] { new(-1.7, -1.7), new(0.4, 0.4) };
        return new ClaimChart
        {
            Heading = "Measured against predicted slope of log RD_w vs log m",
            Caption = "Each marker is a cell where theory gives the slope (NTK point −½, LeCun/He point −3/2, boundary cells 0; boundary cells spread sideways), " +
                "with the least-squares slope over every finished seed and its 95% interval. The dashed line is measured = predicted.",
            XTitle = "predicted slope",
            YTitle = "measured slope s of log RD_w vs log m",
            Series =
            [
                new ClaimSeries("measured slope (95% CI)", ClaimSeriesStyle.Measured, 0, dodged),
                new ClaimSeries("measured = predicted", ClaimSeriesStyle.Prediction, 1, identity),
            ],
        };
    }
}
