using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Sweeps.Tests.Reports;

/// <summary>Whole synthetic sweeps shaped like the real ones, for the end-to-end and browser tests.</summary>
internal static class ReportScenarios
{
    public static readonly int[] Widths = [64, 128, 256, 512, 1024];

    public static PhaseReportInput Create(string name) => name switch
    {
        "luo-grid" => LuoGrid(),
        "teacher-presets" => TeacherPresets(),
        "geiger-crossover" => GeigerCrossover(),
        "dead-band-grid" => DeadBandGrid(),
        "partial-luo-grid" => PartialLuoGrid(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>
    /// Luo 1-D task over a (γ′, γ) grid with slopes from the signed distance to the boundary, one all-diverged cell
    /// and a failed run.
    /// </summary>
    public static PhaseReportInput LuoGrid()
    {
        var runs = new List<StoredRun>();
        double[] gammas = [0.5, 0.75, 1, 1.25, 1.5, 1.75];
        double[] gammaPrimes = [-0.5, -0.25, 0, 0.25, 0.5];
        foreach (var gamma in gammas)
        {
            foreach (var gammaPrime in gammaPrimes)
            {
                var fields = new Dictionary<string, object>
                {
                    ["data"] = "luo1d",
                    ["gamma"] = gamma,
                    ["gammaPrime"] = gammaPrime,
                    ["antisymmetric"] = true,
                };
                if (gamma == 1.75 && gammaPrime == -0.5)
                {
                    runs.AddRange(Widths.Select(width => SyntheticRuns.Diverged(SyntheticRuns.Spec(SyntheticRuns.With(fields, width, 1)))));
                    continue;
                }

                var slope = Math.Min(gamma - 1, gamma - 1 - gammaPrime);
                // Coefficients differ per cell so that lines of equal slope do not lie on top of each other.
                runs.AddRange(SyntheticRuns.PowerLawCell(fields, Widths, 2, 0.8 * Math.Exp(gammaPrime - 0.6 * gamma), slope, 0.04, slope * 0.9));
            }
        }

        var failedFields = new Dictionary<string, object> { ["data"] = "luo1d", ["gamma"] = 1.25, ["gammaPrime"] = 0.5, ["antisymmetric"] = true };
        var failedSpec = SyntheticRuns.Spec(SyntheticRuns.With(failedFields, 2048, 1));
        runs.Add(SyntheticRuns.Failed(failedSpec, "worker lost: out of memory while building the NTK Gram matrix"));
        var divergedOne = SyntheticRuns.Spec(SyntheticRuns.With(new Dictionary<string, object> { ["data"] = "luo1d", ["gamma"] = 1.5, ["gammaPrime"] = -0.5, ["antisymmetric"] = true }, 1024, 3));
        runs.Add(SyntheticRuns.Diverged(divergedOne));
        return new PhaseReportInput { Title = "Luo 1-D phase diagram over (γ′, γ)", Runs = runs };
    }

    /// <summary>The Luo grid in the middle of its sweep: the m = 1024 runs of every cell with γ ≥ 1.25 are still pending.</summary>
    public static PhaseReportInput PartialLuoGrid()
    {
        var complete = LuoGrid();
        var runs = complete.Runs
            .Select(run => run.Spec.Width == 1024 && run.Spec.Parametrization.Gamma >= 1.25 ? new StoredRun(run.Key, run.Spec, RunState.Pending, null, null) : run)
            .ToArray();
        return complete with { Runs = runs };
    }

    /// <summary>Teacher–student data over presets × weight decay: the NTK and LeCun nets are lazy, mean-field critical.</summary>
    public static PhaseReportInput TeacherPresets()
    {
        var runs = new List<StoredRun>();
        foreach (var decay in new[] { 0.0, 1e-3 })
        {
            foreach (var (preset, slope) in new[] { ("ntk", -0.5), ("mean-field", 0.02), ("lecun", -1.5) })
            {
                var fields = new Dictionary<string, object>
                {
                    ["data"] = "teacher",
                    ["inputDim"] = 8,
                    ["teachers"] = 2,
                    ["preset"] = preset,
                    ["weightDecay"] = decay,
                };
                var withDecay = decay > 0 ? slope + 0.35 : slope;
                foreach (var width in Widths.Take(4))
                {
                    for (var seed = 1; seed <= 3; seed++)
                    {
                        var spec = SyntheticRuns.Spec(SyntheticRuns.With(fields, width, seed));
                        var rdW = 2 * Math.Pow(width, withDecay) * Math.Exp(SyntheticRuns.Noise(width, seed, 0.05));
                        var condensed = withDecay > -0.1;
                        runs.Add(SyntheticRuns.Done(spec, new SyntheticMetrics(rdW, rdW * 0.6)
                        {
                            FarMass = condensed ? 0.1 : 0.8,
                            ClusterMassFraction = condensed ? 0.9 : 0.1,
                            DecayBudget = decay * 4000,
                            Condensed = condensed,
                            TrainLoss = 1e-4 * Math.Exp(-withDecay),
                            TestLoss = 2e-3 * Math.Exp(-withDecay / 2),
                        }));
                    }
                }
            }
        }

        return new PhaseReportInput { Title = "Teacher–student: presets × weight decay", Runs = runs };
    }

    /// <summary>Geiger's α_G sweep: ΔK is a function of α_G·√m alone, so the widths collapse.</summary>
    public static PhaseReportInput GeigerCrossover()
    {
        var runs = new List<StoredRun>();
        foreach (var alphaG in new[] { 0.01, 0.03, 0.1, 0.3, 1, 3 })
        {
            var fields = new Dictionary<string, object> { ["data"] = "teacher", ["inputDim"] = 4, ["teachers"] = 2, ["alphaG"] = alphaG };
            foreach (var width in new[] { 64, 256, 1024 })
            {
                for (var seed = 1; seed <= 2; seed++)
                {
                    var spec = SyntheticRuns.Spec(SyntheticRuns.With(fields, width, seed));
                    var crossover = alphaG * Math.Sqrt(width);
                    var kernel = 1 / (1 + crossover) * Math.Exp(SyntheticRuns.Noise(width, seed, 0.05));
                    var rdW = 0.5 / (0.2 + crossover) * Math.Exp(SyntheticRuns.Noise(width, seed + 7, 0.05));
                    runs.Add(SyntheticRuns.Done(spec, new SyntheticMetrics(rdW, kernel) { FarMass = 0.7, ClusterMassFraction = 0.2, Condensed = crossover < 1 }));
                }
            }
        }

        return new PhaseReportInput
        {
            Title = "Geiger et al. output-scale sweep",
            Runs = runs,
            Options = new ReportOptions { CrossoverField = "alphaG" },
        };
    }

    /// <summary>One width only, over weight decay × label noise: regimes come from the dead band.</summary>
    public static PhaseReportInput DeadBandGrid()
    {
        var runs = new List<StoredRun>();
        foreach (var decay in new[] { 0.0, 1e-4, 1e-3, 1e-2 })
        {
            foreach (var noise in new[] { 0.0, 0.1, 0.3 })
            {
                var fields = new Dictionary<string, object> { ["data"] = "teacher", ["inputDim"] = 8, ["teachers"] = 2, ["weightDecay"] = decay, ["labelNoise"] = noise };
                for (var seed = 1; seed <= 3; seed++)
                {
                    var spec = SyntheticRuns.Spec(SyntheticRuns.With(fields, 256, seed));
                    if (decay == 1e-2 && noise == 0.3)
                    {
                        runs.Add(SyntheticRuns.Diverged(spec));
                        continue;
                    }

                    var strength = Math.Min(decay * 1000 + noise, 1.5);
                    var rdW = 0.04 * Math.Exp(3 * strength) * Math.Exp(SyntheticRuns.Noise(256, seed, 0.1));
                    runs.Add(SyntheticRuns.Done(spec, new SyntheticMetrics(rdW, rdW * 0.8)
                    {
                        FarMass = decay >= 1e-3 ? 0.1 : 0.7,
                        ClusterMassFraction = decay >= 1e-3 ? 0.9 : 0.2,
                        DecayBudget = decay * 3000,
                        Condensed = decay >= 1e-3,
                        TrainLoss = 1e-4 * Math.Exp(3 * strength),
                        TestLoss = 2e-3 * Math.Exp(strength),
                    }));
                }
            }
        }

        return new PhaseReportInput
        {
            Title = "Weight decay × label noise at one width",
            Runs = runs,
            Options = new ReportOptions { XField = "weightDecay", YField = "labelNoise" },
        };
    }
}
