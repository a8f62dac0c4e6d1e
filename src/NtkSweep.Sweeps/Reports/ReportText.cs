using System.Globalization;

namespace NtkSweep.Sweeps.Reports;

/// <summary>How the report writes numbers, field names and regimes. Invariant culture; never "NaN".</summary>
public static class ReportText
{
    /// <summary>What the report prints for a missing or non-finite number.</summary>
    public const string Dash = "—";

    private const char Minus = '\u2212';

    /// <summary>The regime's name in report.json and the CSV files.</summary>
    public static string RegimeName(CellRegime regime) => regime switch
    {
        CellRegime.Lazy => "lazy",
        CellRegime.Critical => "critical",
        CellRegime.Condensed => "condensed",
        CellRegime.FeatureLearning => "feature-learning",
        CellRegime.Intermediate => "intermediate",
        CellRegime.Diverged => "diverged",
        CellRegime.NoData => "no-data",
        CellRegime.Pending => "pending",
        _ => throw new ArgumentOutOfRangeException(nameof(regime)),
    };

    /// <summary>The regime as a reader sees it.</summary>
    public static string RegimeLabel(CellRegime regime) => regime switch
    {
        CellRegime.Lazy => "lazy (NTK)",
        CellRegime.Critical => "critical",
        CellRegime.Condensed => "condensed (feature learning)",
        CellRegime.FeatureLearning => "feature learning",
        CellRegime.Intermediate => "intermediate",
        CellRegime.Diverged => "diverged",
        CellRegime.NoData => "no data",
        CellRegime.Pending => "pending",
        _ => throw new ArgumentOutOfRangeException(nameof(regime)),
    };

    public static string SideName(TheorySide side) => side switch
    {
        TheorySide.Linear => "linear",
        TheorySide.Boundary => "boundary",
        TheorySide.Condensed => "condensed",
        _ => "unknown",
    };

    /// <summary>Short symbol of a spec field for labels: γ, γ′, λ, m …</summary>
    public static string FieldSymbol(string field) => field switch
    {
        "width" => "m",
        "gamma" => "γ",
        "gammaPrime" => "γ′",
        "weightDecay" => "λ",
        "alphaG" => "α_G",
        "alpha" => "α",
        "beta1" => "β₁",
        "beta2" => "β₂",
        "inputDim" => "d",
        "trainSamples" => "n",
        "teachers" => "k",
        "labelNoise" => "noise",
        "stepScale" => "step scale",
        "learningRate" => "η",
        "seed" => "seed",
        _ => field,
    };

    /// <summary>An axis title: symbol and meaning.</summary>
    public static string FieldTitle(string field) => field switch
    {
        "width" => "width m (neurons)",
        "gamma" => "γ (Luo et al. output-scale exponent)",
        "gammaPrime" => "γ′ (Luo et al. init-ratio exponent)",
        "weightDecay" => "weight decay λ",
        "alphaG" => "output scale α_G (Geiger et al.)",
        "preset" => "parametrization preset",
        "alpha" => "output scale α",
        "beta1" => "output-weight init std β₁",
        "beta2" => "input-weight init std β₂",
        "inputDim" => "input dimension d",
        "trainSamples" => "training samples n",
        "teachers" => "teacher neurons k",
        "labelNoise" => "label noise std",
        "stepScale" => "adaptive step scale",
        "learningRate" => "learning rate η",
        _ => field,
    };

    /// <summary>"γ=1.25", "ntk" (a preset needs no name), "λ=0.001".</summary>
    public static string FieldAssignment(string field, AxisValue value)
    {
        var text = AxisText(value);
        return field == "preset" ? text : FieldSymbol(field) + "=" + text;
    }

    public static string AxisText(AxisValue value) => value.IsMissing ? Dash : value.IsNumeric ? Number(value.Number) : value.Text;

    /// <summary>A readable number with about four significant digits and a true minus sign; "—" when not finite.</summary>
    public static string Number(double value, int significant = 4)
    {
        if (!double.IsFinite(value))
        {
            return Dash;
        }

        if (value == 0)
        {
            return "0";
        }

        var magnitude = Math.Abs(value);
        string text;
        if (magnitude >= 1e5 || magnitude < 1e-3)
        {
            var exponent = (int)Math.Floor(Math.Log10(magnitude));
            var mantissa = value / Math.Pow(10, exponent);
            if (Math.Abs(Math.Round(mantissa, significant - 1)) >= 10)
            {
                exponent++;
                mantissa /= 10;
            }

            var mantissaText = mantissa.ToString("0." + new string('#', significant - 1), CultureInfo.InvariantCulture);
            text = mantissaText + "e" + exponent.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            var decimals = Math.Clamp(significant - 1 - (int)Math.Floor(Math.Log10(magnitude)), 0, 10);
            text = Math.Round(value, decimals).ToString("0." + new string('#', Math.Max(decimals, 1)), CultureInfo.InvariantCulture);
        }

        return text.Replace('-', Minus);
    }

    /// <summary>A slope with two decimals and an explicit sign: "−0.52", "+0.31".</summary>
    public static string Slope(double value)
    {
        if (!double.IsFinite(value))
        {
            return Dash;
        }

        var rounded = Math.Round(value, 2);
        var text = Math.Abs(rounded).ToString("0.00", CultureInfo.InvariantCulture);
        return rounded < 0 ? Minus + text : rounded > 0 ? "+" + text : text;
    }

    /// <summary>"−0.52 [−0.55, −0.49]", or "—".</summary>
    public static string SlopeWithInterval(SlopeFit? fit) =>
        fit is null ? Dash : $"{Slope(fit.Slope)} [{Slope(fit.Low)}, {Slope(fit.High)}]";

    /// <summary>A number for CSV and machine-read text: round-trip, invariant, empty when not finite.</summary>
    public static string Machine(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : string.Empty;

    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string StateName(Runs.RunState state) => state switch
    {
        Runs.RunState.Pending => "pending",
        Runs.RunState.Running => "running",
        Runs.RunState.Done => "done",
        Runs.RunState.Diverged => "diverged",
        Runs.RunState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
