using System.CommandLine;
using NtkSweep.Grains;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// The engine settings a silo command takes on its command line (they override NTKSWEEP_ENGINE__* variables); the
/// values are checked when the silo starts (<see cref="EngineOptions"/>' ranges).
/// </summary>
internal sealed class EngineCommandOptions
{
    private readonly Option<int?> maxAttempts = new("--max-attempts") { Description = "Attempts before a run is stored as failed (default: 3)." };
    private readonly Option<double?> checkpointSeconds = new("--checkpoint-seconds") { Description = "Least seconds between two checkpoints of a run; shorter runs never checkpoint (default: 5)." };
    private readonly Option<double?> batchSeconds = new("--batch-seconds") { Description = "Estimated seconds of work a slot takes per call; tiny runs come in batches (default: 0.25)." };

    public void AddTo(Command command)
    {
        command.Options.Add(maxAttempts);
        command.Options.Add(checkpointSeconds);
        command.Options.Add(batchSeconds);
    }

    public Action<EngineOptions> Read(ParseResult parseResult)
    {
        var attempts = parseResult.GetValue(maxAttempts);
        var checkpoint = parseResult.GetValue(checkpointSeconds);
        var batch = parseResult.GetValue(batchSeconds);
        if (attempts is < 1)
        {
            throw new UsageException("--max-attempts: must be at least 1");
        }

        if (checkpoint is { } seconds && (!double.IsFinite(seconds) || seconds < 0))
        {
            throw new UsageException("--checkpoint-seconds: must be 0 or more");
        }

        if (batch is { } value && (!double.IsFinite(value) || value < 0))
        {
            throw new UsageException("--batch-seconds: must be 0 or more");
        }

        return options =>
        {
            options.MaxAttempts = attempts ?? options.MaxAttempts;
            options.CheckpointSeconds = checkpoint ?? options.CheckpointSeconds;
            options.BatchSeconds = batch ?? options.BatchSeconds;
        };
    }
}
