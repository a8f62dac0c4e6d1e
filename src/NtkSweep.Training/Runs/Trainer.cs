using NtkSweep.Training.Kernels;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>Runs one spec to its result on the given (or environment-selected) kernel path, on the calling thread.</summary>
public static class Trainer
{
    public static RunResult Run(RunSpec spec, KernelPath? path = null, CancellationToken cancellationToken = default)
    {
        var kernel = KernelSelector.Create(path ?? KernelSelector.FromEnvironment());
        return new TrainingSession(spec, kernel).Run(cancellationToken);
    }

    /// <summary>Runs a spec from its start or from a checkpoint, handing out checkpoints as it goes.</summary>
    public static RunResult Run(RunSpec spec, KernelPath? path, byte[]? resumeFrom, CheckpointOptions? checkpoints, CancellationToken cancellationToken = default)
    {
        var session = new TrainingSession(spec, KernelSelector.Create(path ?? KernelSelector.FromEnvironment()));
        if (resumeFrom is not null)
        {
            session.RestoreCheckpoint(resumeFrom);
        }

        return session.Run(checkpoints, cancellationToken);
    }
}
