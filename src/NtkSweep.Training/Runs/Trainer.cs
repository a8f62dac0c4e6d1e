using NtkSweep.Training.Kernels;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>Runs one spec to its result on the given kernel path, on the calling thread.</summary>
public static class Trainer
{
    public static RunResult Run(RunSpec spec, KernelPath path, CancellationToken cancellationToken = default) =>
        new TrainingSession(spec, KernelFactory.Create(path)).Run(cancellationToken);

    /// <summary>Runs a spec from its start or from a checkpoint, handing out checkpoints as it goes.</summary>
    public static RunResult Run(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions? checkpoints, CancellationToken cancellationToken = default)
    {
        var session = new TrainingSession(spec, KernelFactory.Create(path));
        if (resumeFrom is not null)
        {
            session.RestoreCheckpoint(resumeFrom);
        }

        return session.Run(checkpoints, cancellationToken);
    }
}
