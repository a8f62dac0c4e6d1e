using System.Numerics;
using System.Runtime.InteropServices;

namespace NtkSweep.Training.Linear;

/// <summary>
/// A model that is linear in its parameters, trained by full-batch gradient descent with any sequence of step sizes,
/// tracked exactly in the eigenbasis of its kernel: O(n) per step after one float64 eigendecomposition.
/// </summary>
/// <remarks>
/// The model is the linearization f₀ + J·(θ − θ₀) of a positively 2-homogeneous net with Gram matrix K = J·Jᵀ on the
/// training set. With weight decay λ toward 0 its parameters stay of the form θ − θ₀ = Jᵀc + b·θ₀, and
/// J·θ₀ = 2f₀ (homogeneity), so on the training set F = f₀ + K·c + 2b·f₀ (or, in Geiger's form, F = s·(K·c + 2b·f₀)).
/// One step of size h on LossScale·½·mean((F − y)²) + (λ/2)‖θ‖²:
/// c ← (1 − hλ)·c − h·g, b ← (1 − hλ)·b − hλ, g = LossScale·s/n·(F − y).
/// With K = U·diag(μ)·Uᵀ and ĉ = Uᵀc every mode k moves alone:
/// ĉ_k ← (1 − hλ − h·g·σ·μ_k)·ĉ_k − h·g·(β·f̂₀_k − ŷ_k), σ and β the form's constants. Steps longer than the
/// model's stability limit are split into equal substeps (the net may take them, its linearization would diverge).
/// Without weight decay and with a kernel that is not the net's own (the infinite-width NTK) the same recurrence is
/// kernel regression trained like the net.
/// </remarks>
public sealed class KernelTrajectory
{
    private const int MaxSubsteps = 256;

    private readonly int sampleCount;
    private readonly double gradientFactor;
    private readonly double weightDecay;
    private readonly double outputScale;
    private readonly bool centered;
    private readonly double maxStableStep;

    private readonly SpectralBasis basis;
    // [sampleCount] the kernel's eigenvalues μ_k
    private readonly double[] eigenvalues;
    // [sampleCount] Uᵀf₀ and Uᵀy on the training set
    private readonly double[] initialModes;
    private readonly double[] targetModes;
    // [sampleCount] ĉ = Uᵀc
    private readonly double[] coefficientModes;
    // [sampleCount] per-step scratch: the factor each mode is multiplied by
    private readonly double[] contraction;
    private double decay;

    /// <param name="basis">The eigenbasis of the Gram matrix on the training set.</param>
    /// <param name="initialOutputs">[sampleCount] f₀ on the training set.</param>
    /// <param name="targets">[sampleCount] the labels y.</param>
    /// <param name="lossScale">The loss's factor in front of ½·mean((F − y)²).</param>
    /// <param name="outputScale">s: F = s·(f − f₀) when <paramref name="centered"/>; 1 otherwise.</param>
    public KernelTrajectory(SpectralBasis basis, ReadOnlySpan<float> initialOutputs, ReadOnlySpan<float> targets, double lossScale, double outputScale, bool centered, double weightDecay)
    {
        this.basis = basis;
        sampleCount = basis.Size;
        this.weightDecay = weightDecay;
        this.outputScale = centered ? outputScale : 1;
        this.centered = centered;
        gradientFactor = lossScale * this.outputScale / sampleCount;

        eigenvalues = [.. basis.Eigenvalues];
        LargestEigenvalue = sampleCount == 0 ? 0 : Math.Max(0, eigenvalues.Max());
        var curvature = lossScale * this.outputScale * this.outputScale * LargestEigenvalue / Math.Max(1, sampleCount) + weightDecay;
        maxStableStep = curvature > 0 ? 1.9 / curvature : double.PositiveInfinity;

        initialModes = Project(initialOutputs);
        targetModes = Project(targets);
        coefficientModes = new double[sampleCount];
        contraction = new double[sampleCount];
    }

    /// <summary>The kernel's largest eigenvalue (the exact λ_max the step-size limit is taken from).</summary>
    public double LargestEigenvalue { get; }

    /// <summary>b in θ − θ₀ = Jᵀc + b·θ₀.</summary>
    public double Decay => decay;

    /// <summary>ĉ = Uᵀc, the state a checkpoint must keep (with <see cref="Decay"/>).</summary>
    public Span<double> CoefficientModes => coefficientModes;

    /// <summary>Continues from a checkpointed state.</summary>
    public void Restore(ReadOnlySpan<double> modes, double restoredDecay)
    {
        modes.CopyTo(coefficientModes);
        decay = restoredDecay;
    }

    /// <summary>One gradient step of size <paramref name="stepSize"/> (in substeps where it exceeds the stability limit).</summary>
    public void Step(double stepSize)
    {
        var substeps = Math.Clamp((int)Math.Ceiling(stepSize / maxStableStep), 1, MaxSubsteps);
        var h = stepSize / substeps;
        var shrink = 1 - h * weightDecay;
        var modeFactor = h * gradientFactor * outputScale;
        for (var k = 0; k < sampleCount; k++)
        {
            contraction[k] = shrink - modeFactor * eigenvalues[k];
        }

        var targetPull = h * gradientFactor;
        for (var s = 0; s < substeps; s++)
        {
            // F̂ − ŷ = σμ∘ĉ + β·f̂₀ − ŷ, σ = s and β = 2s·b in Geiger's form, σ = 1 and β = 1 + 2b otherwise.
            var initialWeight = centered ? 2 * outputScale * decay : 1 + 2 * decay;
            StepModes(-targetPull * initialWeight, targetPull);
            decay = shrink * decay - h * weightDecay;
        }
    }

    /// <summary>
    /// F of the trained model on other inputs: <paramref name="crossKernel"/> [count, sampleCount] is K(x, X) and
    /// <paramref name="initialOutputs"/> [count] is f₀(x). Writes [count] to <paramref name="outputs"/>.
    /// </summary>
    public void Predict<T>(ReadOnlySpan<T> crossKernel, ReadOnlySpan<float> initialOutputs, int count, Span<double> outputs)
        where T : unmanaged, INumberBase<T>
    {
        // c = U·ĉ once, then one row of K(x, X) per output.
        var coefficients = new double[sampleCount];
        basis.FromModes(coefficientModes, coefficients);

        var kernelRow = new double[sampleCount];
        for (var i = 0; i < count; i++)
        {
            var source = crossKernel.Slice(i * sampleCount, sampleCount);
            for (var j = 0; j < sampleCount; j++)
            {
                kernelRow[j] = double.CreateTruncating(source[j]);
            }

            var movement = FixedOrder.Dot(kernelRow, coefficients) + 2 * decay * initialOutputs[i];
            outputs[i] = centered ? outputScale * movement : initialOutputs[i] + movement;
        }
    }

    /// <summary>½·mean((F − y)²) on the training set, from the modes (U is orthogonal).</summary>
    public double TrainLoss()
    {
        var initialWeight = centered ? 2 * outputScale * decay : 1 + 2 * decay;
        double sum = 0;
        for (var k = 0; k < sampleCount; k++)
        {
            var residual = outputScale * eigenvalues[k] * coefficientModes[k] + initialWeight * initialModes[k] - targetModes[k];
            sum += residual * residual;
        }

        return sampleCount == 0 ? 0 : 0.5 * sum / sampleCount;
    }

    /// <summary>ĉ ← ρ∘ĉ + α·f̂₀ + γ·ŷ, elementwise (so the same on every vector width).</summary>
    private void StepModes(double initialPull, double targetPull)
    {
        var modes = MemoryMarshal.Cast<double, Vector<double>>(coefficientModes.AsSpan());
        var rho = MemoryMarshal.Cast<double, Vector<double>>(contraction.AsSpan());
        var initial = MemoryMarshal.Cast<double, Vector<double>>(initialModes.AsSpan());
        var target = MemoryMarshal.Cast<double, Vector<double>>(targetModes.AsSpan());
        var alpha = new Vector<double>(initialPull);
        var gamma = new Vector<double>(targetPull);
        for (var j = 0; j < modes.Length; j++)
        {
            modes[j] = rho[j] * modes[j] + alpha * initial[j] + gamma * target[j];
        }

        for (var k = modes.Length * Vector<double>.Count; k < sampleCount; k++)
        {
            coefficientModes[k] = contraction[k] * coefficientModes[k] + initialPull * initialModes[k] + targetPull * targetModes[k];
        }
    }

    private double[] Project(ReadOnlySpan<float> values)
    {
        var asDouble = new double[sampleCount];
        for (var i = 0; i < sampleCount; i++)
        {
            asDouble[i] = values[i];
        }

        var modes = new double[sampleCount];
        basis.ToModes(asDouble, modes);
        return modes;
    }
}
