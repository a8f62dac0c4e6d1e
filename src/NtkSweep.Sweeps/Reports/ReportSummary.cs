namespace NtkSweep.Sweeps.Reports;

/// <summary>The report's opening paragraph: what the reader sees, in plain words with numbers.</summary>
internal static class ReportSummary
{
    private const int MaximumHighlights = 6;

    public static string Paragraph(PhaseAnalysis analysis)
    {
        var sentences = new List<string> { RunSentence(analysis) };
        if (analysis.Cells.Count == 0)
        {
            return string.Join(' ', sentences);
        }

        sentences.Add(RegimeSentence(analysis));
        if (analysis.Map.Kind == RegimeMapKind.None)
        {
            sentences.Add("Only the width varies, so there is no regime map.");
        }

        var highlights = Highlights(analysis);
        if (highlights.Count > 0)
        {
            sentences.Add(Capitalize(string.Join("; ", highlights)) + ".");
        }

        var judged = analysis.Cells.Select(cell => LuoTheory.Agrees(cell.Prediction.Side, cell.Regime)).Where(agrees => agrees is not null).ToArray();
        if (judged.Length > 0)
        {
            var agreeing = judged.Count(agrees => agrees == true);
            sentences.Add($"{agreeing} of {judged.Length} cells where theory predicts a regime agree with it.");
        }

        var decayCells = analysis.Cells.Where(cell => cell.Runs[0].Spec.WeightDecay > 0).ToArray();
        if (decayCells.Length > 0)
        {
            var budgets = decayCells.Select(cell => cell.LargestDoneWidth?.DecayBudget.Value ?? double.NaN).Where(double.IsFinite).ToArray();
            var range = budgets.Length == 0
                ? string.Empty
                : budgets.Min() == budgets.Max()
                    ? ReportText.Number(budgets[0], 3)
                    : $"from {ReportText.Number(budgets.Min(), 3)} to {ReportText.Number(budgets.Max(), 3)}";
            var budgetText = range.Length == 0
                ? string.Empty
                : $", with decay budget λ·Ση {range} at the largest width (values ≳ 1 pull a net out of the lazy regime by themselves)";
            sentences.Add($"Weight decay is on in {decayCells.Length} of {analysis.Cells.Count} cells{budgetText}.");
        }

        var counts = analysis.Counts;
        if (counts.Diverged > 0 || counts.Failed > 0)
        {
            var parts = new List<string>();
            if (counts.Diverged > 0)
            {
                parts.Add($"{counts.Diverged} {Runs(counts.Diverged)} diverged (counted, not averaged)");
            }

            if (counts.Failed > 0)
            {
                parts.Add($"{counts.Failed} {Runs(counts.Failed)} failed");
            }

            sentences.Add(Capitalize(string.Join(" and ", parts)) + "; they are listed in the last table.");
        }

        return string.Join(' ', sentences);
    }

    private static string RunSentence(PhaseAnalysis analysis)
    {
        var counts = analysis.Counts;
        var states = new List<string> { $"{counts.Done} done" };
        if (counts.Diverged > 0)
        {
            states.Add($"{counts.Diverged} diverged");
        }

        if (counts.Failed > 0)
        {
            states.Add($"{counts.Failed} failed");
        }

        if (counts.Pending > 0)
        {
            states.Add($"{counts.Pending} pending");
        }

        if (counts.Running > 0)
        {
            states.Add($"{counts.Running} running");
        }

        var widths = analysis.Widths.Count switch
        {
            0 => string.Empty,
            1 => " at width m = " + ReportText.Integer(analysis.Widths[0]),
            _ => " over widths m = " + string.Join(", ", analysis.Widths.Select(ReportText.Integer)),
        };
        var cells = analysis.Cells.Count == 1 ? "1 cell" : $"{analysis.Cells.Count} cells";
        return $"{counts.Total} {Runs(counts.Total)} ({string.Join(", ", states)}) in {cells}{widths}.";
    }

    private static string RegimeSentence(PhaseAnalysis analysis)
    {
        var groups = analysis.Cells.GroupBy(cell => cell.Regime).OrderBy(group => group.Key)
            .Select(group => $"{group.Count()} {ReportText.RegimeLabel(group.Key)}")
            .ToArray();
        var list = groups.Length == 1 ? groups[0] : string.Join(", ", groups[..^1]) + " and " + groups[^1];
        var fitted = analysis.Cells.Count(cell => cell.RdWFit is not null);
        var basis = fitted == analysis.Cells.Count
            ? "from the finite-size slope of log RD_w against log m"
            : fitted == 0
                ? "from the single-width dead band (fewer than three widths)"
                : $"from the slope of log RD_w against log m ({fitted} cells) or the dead band (cells with fewer than three widths)";
        return $"Cells by regime, {basis}: {list}.";
    }

    /// <summary>
    /// Cells where theory gives a slope (grouped by that slope), then the range of the other fitted slopes; with no fit
    /// at all, the dead-band values of a few cells.
    /// </summary>
    private static List<string> Highlights(PhaseAnalysis analysis)
    {
        var fitted = analysis.Cells.Where(cell => cell.RdWFit is not null).ToArray();
        var highlights = new List<string>();
        foreach (var group in fitted.Where(cell => double.IsFinite(cell.Prediction.Slope)).GroupBy(cell => cell.Prediction.Slope).OrderBy(group => group.Key))
        {
            var cells = group.ToArray();
            if (cells.Length == 1)
            {
                var cell = cells[0];
                highlights.Add($"slope {ReportText.Slope(cell.RdWFit!.Slope)} ± {HalfWidth(cell.RdWFit)} at {Where(cell)} " +
                    $"(theory {ReportText.Slope(group.Key)}): {ReportText.RegimeLabel(cell.Regime)}");
            }
            else
            {
                var low = ReportText.Slope(cells.Min(cell => cell.RdWFit!.Slope));
                var high = ReportText.Slope(cells.Max(cell => cell.RdWFit!.Slope));
                var measured = low == high ? "all measure " + low : $"measure {low} to {high}";
                highlights.Add($"the {cells.Length} cells where theory predicts slope {ReportText.Slope(group.Key)} {measured}: {RegimeCounts(cells)}");
            }
        }

        var others = fitted.Where(cell => !double.IsFinite(cell.Prediction.Slope)).ToArray();
        if (others.Length == 1)
        {
            highlights.Add($"slope {ReportText.Slope(others[0].RdWFit!.Slope)} at {Where(others[0])}: {ReportText.RegimeLabel(others[0].Regime)}");
        }
        else if (others.Length > 1)
        {
            var lowest = others.OrderBy(cell => cell.RdWFit!.Slope).ThenBy(cell => cell.Index).First();
            var highest = others.OrderByDescending(cell => cell.RdWFit!.Slope).ThenBy(cell => cell.Index).First();
            var prefix = highlights.Count > 0 ? "elsewhere the" : "the";
            highlights.Add($"{prefix} slopes of log RD_w range from {ReportText.Slope(lowest.RdWFit!.Slope)} at {Where(lowest)} ({ShortRegime(lowest.Regime)}) " +
                $"to {ReportText.Slope(highest.RdWFit!.Slope)} at {Where(highest)} ({ShortRegime(highest.Regime)})");
        }

        if (fitted.Length == 0)
        {
            foreach (var cell in analysis.Cells.Where(cell => cell.LargestDoneWidth is not null).Take(3))
            {
                var largest = cell.LargestDoneWidth!;
                highlights.Add($"RD_w {ReportText.Number(largest.RdW.Value, 3)} and ΔK {ReportText.Number(largest.KernelChange.Value, 3)} at {Where(cell)}, m = {largest.Width}: {ReportText.RegimeLabel(cell.Regime)}");
            }
        }

        return highlights;
    }

    /// <summary>"all critical", or "3 critical and 2 lazy (NTK)".</summary>
    private static string RegimeCounts(PhaseCell[] cells)
    {
        var groups = cells.GroupBy(cell => cell.Regime).OrderBy(group => group.Key).ToArray();
        if (groups.Length == 1)
        {
            return "all " + ReportText.RegimeLabel(groups[0].Key);
        }

        var parts = groups.Select(group => $"{group.Count()} {ReportText.RegimeLabel(group.Key)}").ToArray();
        return string.Join(", ", parts[..^1]) + " and " + parts[^1];
    }

    /// <summary>Half the 95% interval of a slope, to two decimals like the slope itself.</summary>
    internal static string HalfWidth(SlopeFit fit)
    {
        var half = (fit.High - fit.Low) / 2;
        return double.IsFinite(half) ? Math.Round(half, 2).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : ReportText.Dash;
    }

    private static string ShortRegime(CellRegime regime) => regime switch
    {
        CellRegime.Lazy => "lazy",
        CellRegime.Condensed => "condensed",
        _ => ReportText.RegimeLabel(regime),
    };

    private static string Where(PhaseCell cell) => cell.Coordinates.Count == 0 ? "the single cell" : cell.Label;

    private static string Runs(int count) => count == 1 ? "run" : "runs";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
