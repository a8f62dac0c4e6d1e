using System.Security.Cryptography;
using System.Text;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Runs;

/// <summary>
/// A run's identity: a content hash of its canonical spec and of the version of the training semantics. Two sweeps
/// that contain the same run share its key, so a stored result is reused across sweeps; changing what training means
/// (bump <see cref="TrainingSemanticsVersion"/>) invalidates every stored result at once.
/// </summary>
public static class RunKey
{
    /// <summary>
    /// Bump when a change to the trainer or its metrics changes what a stored result means. v2: parameters accumulate in
    /// a float64 master copy, and results carry linearizationDistance. v3: the linearized model is trained in float64 in the
    /// eigenbasis of K₀ (its metrics move in the last digits) and ‖θ‖² is summed in a fixed order on every CPU. v4: the
    /// backward pass gets ∂a from its ∂W sums by ReLU homogeneity instead of reading the activations (a's gradient moves
    /// in its last bits, and every trajectory with it).
    /// </summary>
    public const string TrainingSemanticsVersion = "training-v4";

    public static string For(RunSpec spec)
    {
        var text = TrainingSemanticsVersion + "\n" + spec.ToCanonicalJson();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
