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
}
