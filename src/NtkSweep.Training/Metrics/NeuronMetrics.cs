using System.Numerics;

namespace NtkSweep.Training.Metrics;

/// <summary>Mass and angle of the student neurons gathered around one teacher direction.</summary>
public sealed record TeacherCluster(int Teacher, double TeacherWeight, double Mass, double AngleDeg, int Neurons);

/// <summary>One student neuron, for the direction plots: signed mass a_k‖w_k‖/α and its direction.</summary>
/// <param name="Mass">Signed mass (sign of a_k).</param>
/// <param name="AngleDeg">Luo 1-D: the angle of (w, b) in degrees; teacher data: NaN.</param>
/// <param name="TeacherCosines">Teacher data: cos(w_k, w*_i) for every teacher i; otherwise empty.</param>
public sealed record NeuronPoint(double Mass, double AngleDeg, IReadOnlyList<double> TeacherCosines);

public sealed record NeuronSummary(
    IReadOnlyList<TeacherCluster> Clusters,
    double FarMass,
    double Condensation,
    IReadOnlyList<NeuronPoint> Neurons);

/// <summary>
/// Where the student's mass sits (SCIENCE.md §4). A neuron's mass is μ_k = |a_k|·‖w_k‖/α, its effective output weight,
/// so that a cluster matching teacher i carries about |a*_i|. A neuron joins teacher i's cluster when
/// cos(w_k, w*_i) ≥ cos 15° (on the input part of w_k) and sign(a_k) = sign(a*_i).
/// </summary>
public static class NeuronMetrics
{
    public const double ClusterAngleDeg = 15;
    public const int MaxNeuronPoints = 64;

    public static NeuronSummary Compute(
        ReadOnlySpan<float> inputWeights, // [channels, stride]
        ReadOnlySpan<float> outputWeights, // [width]
        int width,
        int stride,
        int channels,
        int inputDim,
        double alpha,
        ReadOnlySpan<double> teacherDirections, // [teachers, inputDim]
        ReadOnlySpan<double> teacherWeights) // [teachers]
    {
        var teachers = teacherWeights.Length;
        var threshold = Math.Cos(ClusterAngleDeg * Math.PI / 180);
        var masses = new double[width];
        // [channels, width] unit directions of the full w_k (bias included), for the condensation count.
        var directions = new float[channels * width];
        var clusterMass = new double[teachers];
        var clusterAngle = new double[teachers];
        var clusterCount = new int[teachers];
        var cosines = new double[width * Math.Max(teachers, 1)];
        double totalMass = 0;
        double clusteredMass = 0;

        for (var k = 0; k < width; k++)
        {
            double inputNorm2 = 0;
            double fullNorm2 = 0;
            for (var j = 0; j < channels; j++)
            {
                double value = inputWeights[j * stride + k];
                fullNorm2 += value * value;
                if (j < inputDim)
                {
                    inputNorm2 += value * value;
                }
            }

            var fullNorm = Math.Sqrt(fullNorm2);
            for (var j = 0; j < channels; j++)
            {
                directions[j * width + k] = fullNorm > 0 ? (float)(inputWeights[j * stride + k] / fullNorm) : 0f;
            }

            // Teacher data measures mass on the input part (the teacher has no bias); Luo's task on the full w.
            var norm = teachers > 0 ? Math.Sqrt(inputNorm2) : fullNorm;
            var mass = Math.Abs(outputWeights[k]) * norm / alpha;
            masses[k] = mass;
            totalMass += mass;

            for (var t = 0; t < teachers; t++)
            {
                double dot = 0;
                for (var j = 0; j < inputDim; j++)
                {
                    dot += inputWeights[j * stride + k] * teacherDirections[t * inputDim + j];
                }

                var cosine = inputNorm2 > 0 ? dot / Math.Sqrt(inputNorm2) : 0;
                cosines[k * teachers + t] = cosine;
                if (cosine >= threshold && Math.Sign(outputWeights[k]) == Math.Sign(teacherWeights[t]))
                {
                    clusterMass[t] += mass;
                    clusterAngle[t] += mass * Math.Acos(Math.Min(1, cosine)) * 180 / Math.PI;
                    clusterCount[t]++;
                    clusteredMass += mass;
                }
            }
        }

        var clusters = new TeacherCluster[teachers];
        for (var t = 0; t < teachers; t++)
        {
            clusters[t] = new TeacherCluster(
                t,
                teacherWeights[t],
                clusterMass[t],
                clusterMass[t] > 0 ? clusterAngle[t] / clusterMass[t] : double.NaN,
                clusterCount[t]);
        }

        var farMass = teachers == 0 ? double.NaN : totalMass > 0 ? Math.Max(0, totalMass - clusteredMass) / totalMass : double.NaN;
        var condensation = EffectiveDirections(directions, masses, width, channels, totalMass, (float)threshold);
        var points = TopNeurons(inputWeights, outputWeights, masses, cosines, width, stride, channels, teachers);
        return new NeuronSummary(clusters, farMass, condensation, points);
    }

    /// <summary>
    /// Effective number of directions carrying the mass: 1 / Σ_jk p_j p_k·1[cos(w_j, w_k) ≥ cos 15°], with p the mass
    /// fractions. One direction gives 1; mass spread evenly over N well-separated directions gives N.
    /// </summary>
    private static double EffectiveDirections(float[] directions, double[] masses, int width, int channels, double totalMass, float threshold)
    {
        if (!(totalMass > 0))
        {
            return double.NaN;
        }

        var weights = new float[width];
        for (var k = 0; k < width; k++)
        {
            weights[k] = (float)(masses[k] / totalMass);
        }

        var similarity = new float[width];
        var lanes = Vector<float>.Count;
        double sum = 0;
        for (var k = 0; k < width; k++)
        {
            if (weights[k] == 0)
            {
                continue;
            }

            similarity.AsSpan().Clear();
            for (var j = 0; j < channels; j++)
            {
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(
                    directions.AsSpan(j * width, width), directions[j * width + k], similarity, similarity);
            }

            var accumulator = Vector<float>.Zero;
            var thresholdVector = new Vector<float>(threshold);
            var index = 0;
            for (; index <= width - lanes; index += lanes)
            {
                var close = Vector.GreaterThanOrEqual(new Vector<float>(similarity, index), thresholdVector);
                accumulator += Vector.ConditionalSelect(close, new Vector<float>(weights, index), Vector<float>.Zero);
            }

            double rowSum = Vector.Sum(accumulator);
            for (; index < width; index++)
            {
                if (similarity[index] >= threshold)
                {
                    rowSum += weights[index];
                }
            }

            sum += weights[k] * rowSum;
        }

        return sum > 0 ? 1 / sum : double.NaN;
    }

    private static NeuronPoint[] TopNeurons(ReadOnlySpan<float> inputWeights, ReadOnlySpan<float> outputWeights, double[] masses, double[] cosines, int width, int stride, int channels, int teachers)
    {
        var order = Enumerable.Range(0, width).OrderByDescending(k => masses[k]).ThenBy(k => k).Take(MaxNeuronPoints).ToArray();
        var points = new NeuronPoint[order.Length];
        for (var index = 0; index < order.Length; index++)
        {
            var k = order[index];
            var signedMass = Math.Sign(outputWeights[k]) * masses[k];
            double angle = double.NaN;
            if (teachers == 0 && channels >= 2)
            {
                angle = Math.Atan2(inputWeights[stride + k], inputWeights[k]) * 180 / Math.PI;
            }

            var teacherCosines = new double[teachers];
            Array.Copy(cosines, k * teachers, teacherCosines, 0, teachers);
            points[index] = new NeuronPoint(signedMass, angle, teacherCosines);
        }

        return points;
    }
}
