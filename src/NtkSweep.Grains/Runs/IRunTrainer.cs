using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Grains.Runs;

/// <summary>What a run grain calls on its training thread to train a spec (from a checkpoint, if given).</summary>
public interface IRunTrainer
{
    RunResult Train(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions checkpoints, CancellationToken cancellationToken);
}

/// <summary>The trainer of every host: one <see cref="TrainingSession"/> per run.</summary>
public sealed class SessionTrainer : IRunTrainer
{
    public RunResult Train(RunSpec spec, KernelPath path, byte[]? resumeFrom, CheckpointOptions checkpoints, CancellationToken cancellationToken) =>
        Trainer.Run(spec, path, resumeFrom, checkpoints, cancellationToken);
}
