using System.CommandLine;
using NtkSweep.Redis;
using NtkSweep.Redis.Queue;
using NtkSweep.Sweeps.Files;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep submit FILE --redis …`: expands a sweep and enqueues its runs for the workers, idempotently: runs that
/// are stored (by any sweep) or already queued are not enqueued again, so submitting twice adds nothing.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var command = new Command("submit", "Enqueue a sweep's runs on Redis for `ntksweep worker` processes (idempotent).");
        var file = new Argument<FileInfo>("file") { Description = "The sweep file (YAML)." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Enqueue again the runs that failed for good before." };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(file);
        command.Options.Add(retryFailed);
        redis.AddTo(command, workerSettings: false);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var sweep = SweepFileParser.Load(parseResult.GetValue(file)!.FullName);
            var options = redis.Read(parseResult);
            var points = sweep.Expand();
            var source = await File.ReadAllTextAsync(sweep.SourcePath, cancellationToken).ConfigureAwait(false);
            return await RedisCommandOptions.RunOneShotAsync(options, async multiplexer =>
            {
                var database = multiplexer.GetDatabase();
                var keys = new RedisKeys(options.KeyPrefix);
                var store = new RedisResultStore(database, keys, options.Describe());
                var outcome = await new RedisRunQueue(database, keys).SubmitAsync(sweep, source, points, store, parseResult.GetValue(retryFailed)).ConfigureAwait(false);
                await Console.Out.WriteLineAsync(
                    $"submitted {sweep.Name}: {outcome.Runs} runs, {outcome.Enqueued} enqueued, {outcome.AlreadyStored} already stored, {outcome.AlreadyQueued} already queued, {outcome.FailedBefore} failed before{(outcome.FailedBefore > 0 ? " (--retry-failed runs them again)" : string.Empty)}").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
