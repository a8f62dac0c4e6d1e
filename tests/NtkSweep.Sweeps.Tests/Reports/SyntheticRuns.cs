using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Tests.Reports;

/// <summary>What a synthetic run measured; unset numbers get plausible lazy values.</summary>
internal sealed record SyntheticMetrics(double RdW, double KernelChange)
{
    public double FarMass { get; init; } = double.NaN;

    public double ClusterMassFraction { get; init; }

    public double TrainLoss { get; init; } = 1e-4;

    public double TestLoss { get; init; } = 2e-3;

    public double DecayBudget { get; init; }

    public bool Condensed { get; init; }
}

/// <summary>Stored runs with real specs and hand-set results whose order parameters follow known laws of the width.</summary>
internal static class SyntheticRuns
{
    public static RunSpec Spec(IReadOnlyDictionary<string, object> fields)
    {
        var builder = new RunSpecBuilder();
        foreach (var (name, value) in fields)
        {
            builder.Set(name, value);
        }

        return builder.Build();
    }

    /// <summary>Small deterministic noise in [−amplitude, amplitude], different per width and seed.</summary>
    public static double Noise(int width, long seed, double amplitude)
    {
        var hash = (ulong)(width * 7919 + seed * 104729 + 17);
        hash ^= hash >> 13;
        hash *= 0x9E3779B97F4A7C15UL;
        hash ^= hash >> 29;
        return amplitude * ((hash % 20001) / 10000.0 - 1);
    }

    /// <summary>One cell: for every width and seed a done run with rdW = coefficient·m^exponent·(1 + noise).</summary>
    public static List<StoredRun> PowerLawCell(
        IReadOnlyDictionary<string, object> fields,
        IReadOnlyList<int> widths,
        int seeds,
        double coefficient,
        double exponent,
        double noise = 0.02,
        double kernelExponent = double.NaN)
    {
        var runs = new List<StoredRun>();
        foreach (var width in widths)
        {
            for (var seed = 1; seed <= seeds; seed++)
            {
                var spec = Spec(With(fields, width, seed));
                var rdW = coefficient * Math.Pow(width, exponent) * Math.Exp(Noise(width, seed, noise));
                var kernel = 0.5 * coefficient * Math.Pow(width, double.IsNaN(kernelExponent) ? exponent : kernelExponent) * Math.Exp(Noise(width, seed + 100, noise));
                var loss = 1e-4 * Math.Exp(Noise(width, seed + 200, 1.5));
                runs.Add(Done(spec, new SyntheticMetrics(rdW, kernel) { Condensed = exponent > 0, TrainLoss = loss, TestLoss = 20 * loss }));
            }
        }

        return runs;
    }

    public static Dictionary<string, object> With(IReadOnlyDictionary<string, object> fields, int width, long seed)
    {
        var copy = new Dictionary<string, object>(fields, StringComparer.Ordinal)
        {
            ["width"] = width,
            ["seed"] = seed,
        };
        return copy;
    }

    public static StoredRun Done(RunSpec spec, SyntheticMetrics metrics) =>
        StoredRun.FromResult(RunKey.For(spec), Result(spec, metrics, RunStatus.Converged));

    public static StoredRun Diverged(RunSpec spec) =>
        StoredRun.FromResult(RunKey.For(spec), Result(spec, new SyntheticMetrics(double.NaN, double.NaN) { TrainLoss = double.NaN, TestLoss = double.NaN }, RunStatus.Diverged));

    public static StoredRun Failed(RunSpec spec, string error) => StoredRun.FromError(RunKey.For(spec), spec, error);

    public static RunResult Result(RunSpec spec, SyntheticMetrics metrics, RunStatus status)
    {
        var resolved = spec.Resolve();
        var isTeacher = spec.Data == DataKind.Teacher;
        var clusters = isTeacher
            ? spec.TeacherSigns.Select((sign, index) => new TeacherCluster(index, sign, Math.Abs(sign) * metrics.ClusterMassFraction, 3, 4)).ToArray()
            : [];
        return new RunResult
        {
            Spec = spec,
            Status = status,
            StopReason = status == RunStatus.Diverged ? StopReason.NonFiniteLoss : StopReason.LossTolerance,
            Steps = status == RunStatus.Diverged ? 37 : 5000,
            TrainLoss = metrics.TrainLoss,
            TestLoss = metrics.TestLoss,
            InitialTrainLoss = 0.4,
            RdW = metrics.RdW,
            RdA = metrics.RdW * 0.8,
            KernelChange = metrics.KernelChange,
            AlignmentStart = 0.2,
            AlignmentEnd = 0.3,
            LinearizedTestLoss = metrics.TestLoss * 1.1,
            FarMass = isTeacher ? metrics.FarMass : double.NaN,
            TeacherClusters = clusters,
            Condensation = metrics.Condensed ? 2.1 : 14,
            DecayBudget = metrics.DecayBudget,
            FinalStepSize = 0.05,
            Alpha = resolved.Alpha,
            Beta1 = resolved.Beta1,
            Beta2 = resolved.Beta2,
            Gamma = resolved.Gamma(spec.Width),
            GammaPrime = resolved.GammaPrime(spec.Width),
            KernelPath = KernelPath.Reference,
            LossCurve = LossCurve(metrics, status),
            Neurons = Neurons(spec, metrics.Condensed),
            WallSeconds = 0.5,
            StepsPerSecond = 10000,
        };
    }

    private static LossPoint[] LossCurve(SyntheticMetrics metrics, RunStatus status)
    {
        var points = new List<LossPoint> { new(0, 0.4, 0.45) };
        var last = status == RunStatus.Diverged ? 37 : 5000;
        for (var step = 1; step <= last; step = step < 10 ? step + 1 : step * 2)
        {
            var progress = Math.Log(step + 1) / Math.Log(last + 1);
            var train = double.IsFinite(metrics.TrainLoss) ? 0.4 * Math.Pow(metrics.TrainLoss / 0.4, progress) : 0.4 * (1 + step);
            var test = double.IsFinite(metrics.TestLoss) ? 0.45 * Math.Pow(metrics.TestLoss / 0.45, progress) : 0.45 * (1 + step);
            points.Add(new LossPoint(step, train, test));
        }

        return points.ToArray();
    }

    /// <summary>Condensed nets put their mass on the teacher directions; lazy ones keep it spread.</summary>
    private static NeuronPoint[] Neurons(RunSpec spec, bool condensed)
    {
        var count = Math.Min(spec.Width, 40);
        var neurons = new NeuronPoint[count];
        for (var index = 0; index < count; index++)
        {
            var angle = 2 * Math.PI * index / count + 0.3 * Math.Sin(index * 1.7);
            var sign = index % 2 == 0 ? 1.0 : -1.0;
            var mass = sign * (0.05 + 0.01 * (index % 5));
            if (spec.Data == DataKind.Teacher)
            {
                var radius = 0.35 + 0.25 * Math.Abs(Math.Cos(index * 0.9));
                double[] cosines;
                if (condensed && index < 8)
                {
                    var teacher = index % Math.Max(1, spec.Teachers);
                    sign = spec.TeacherSigns[teacher];
                    mass = sign * 0.2;
                    cosines = Enumerable.Range(0, spec.Teachers).Select(t => t == teacher ? 0.98 : 0.05).ToArray();
                }
                else
                {
                    cosines = Enumerable.Range(0, spec.Teachers).Select(t => radius * Math.Cos(angle - t * Math.PI / 2)).ToArray();
                }

                neurons[index] = new NeuronPoint(mass, double.NaN, cosines);
            }
            else
            {
                var degrees = condensed ? (index % 3 == 0 ? -45 : index % 3 == 1 ? 60 : 150) + 4 * Math.Sin(index) : angle * 180 / Math.PI - 180;
                neurons[index] = new NeuronPoint(condensed ? 3 * mass : mass, degrees, []);
            }
        }

        return neurons;
    }
}
