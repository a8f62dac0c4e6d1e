using System.Globalization;
using System.Text;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Cli;

/// <summary>The readable form of one run's result.</summary>
internal static class TrainSummary
{
    public static string Format(RunResult result)
    {
        var spec = result.Spec;
        var text = new StringBuilder();
        var data = spec.Data == DataKind.Luo1D
            ? "Luo 1-D task"
            : Invariant($"teacher–student d={spec.InputDim}, {spec.Teachers} teachers, n={spec.TrainSamples}");
        text.AppendLine(Invariant($"run         {data}; width {spec.Width}; {spec.Parametrization.Label}{(spec.Antisymmetric ? ", antisymmetric" : string.Empty)}; λ={spec.WeightDecay:g3}; seed {spec.Seed}"));
        text.AppendLine(Invariant($"scales      α={Number(result.Alpha)} β1={Number(result.Beta1)} β2={Number(result.Beta2)}  (γ={Number(result.Gamma)}, γ'={Number(result.GammaPrime)})"));
        text.AppendLine(Invariant($"outcome     {RunResultJson.StatusName(result.Status)} after {result.Steps} steps ({RunResultJson.StopReasonName(result.StopReason)}); final η={Number(result.FinalStepSize)}"));
        text.AppendLine(Invariant($"loss        train {Number(result.TrainLoss)} (from {Number(result.InitialTrainLoss)}), test {Number(result.TestLoss)}, linearized test {Number(result.LinearizedTestLoss)} (gap {Number(result.LinearizationGap)})"));
        text.AppendLine(Invariant($"movement    RD_w {Number(result.RdW)}, RD_a {Number(result.RdA)}, ΔK {Number(result.KernelChange)}, alignment {Number(result.AlignmentStart)} → {Number(result.AlignmentEnd)}"));
        text.AppendLine(result.KernelLimitDistance is { } distance
            ? Invariant($"kernel      D_f {Number(distance)} from the infinite-width NTK predictor (its test loss {Number(result.KernelLimitTestLoss ?? double.NaN)})")
            : "kernel      no infinite-width limit: weight decay toward 0 has no fixed kernel");
        text.Append(Invariant($"neurons     effective directions {Number(result.Condensation)}"));
        if (result.TeacherClusters.Count > 0)
        {
            text.Append(Invariant($", far mass {Number(result.FarMass)}"));
            foreach (var cluster in result.TeacherClusters)
            {
                text.Append(Invariant($"; teacher {cluster.Teacher + 1} (a*={cluster.TeacherWeight:g3}): mass {Number(cluster.Mass)} at {Number(cluster.AngleDeg)}° in {cluster.Neurons} neurons"));
            }
        }

        text.AppendLine();
        if (spec.WeightDecay > 0)
        {
            text.AppendLine(Invariant($"decay       budget λΣη = {Number(result.DecayBudget)}{(result.DecayBudget >= 1 ? " (≳ 1: decay alone pulls the net out of the lazy regime)" : string.Empty)}"));
        }

        text.Append(Invariant($"speed       {result.StepsPerSecond:N0} steps/s, {result.WallSeconds:0.###} s, kernel {KernelFactory.ToName(result.KernelPath)}"));
        return text.ToString();
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("g4", CultureInfo.InvariantCulture) : "—";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
