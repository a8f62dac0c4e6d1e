using System.CommandLine;
using NtkSweep.Grains;
using NtkSweep.Sweeps.Files;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep submit FILE --redis …`: hands a sweep to its sweep grain on the cluster, idempotently: runs that any sweep
/// stored are not run again, and submitting the same file twice changes nothing.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var command = new Command("submit", "Submit a sweep to the cluster's silos (idempotent).");
        var file = new Argument<FileInfo>("file") { Description = "The sweep file (YAML)." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Run again the runs that failed for good before." };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(file);
        command.Options.Add(retryFailed);
        redis.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var sweep = SweepFileParser.Load(parseResult.GetValue(file)!.FullName);
            var options = redis.Read(parseResult);
            var source = await File.ReadAllTextAsync(sweep.SourcePath, cancellationToken).ConfigureAwait(false);
            return await RedisCommandOptions.RunClientAsync(options, async grains =>
            {
                var status = await grains.GetGrain<ISweepGrain>(sweep.Name)
                    .Submit(new SweepSubmission(sweep.Name, source, Path.GetFileName(sweep.SourcePath), parseResult.GetValue(retryFailed))).ConfigureAwait(false);
                var counts = status.Counts;
                await Console.Out.WriteLineAsync(
                    $"submitted {sweep.Name}: {counts.Total} runs, {counts.Pending + counts.Running} to run, {counts.Done + counts.Diverged} already stored, {counts.Failed} failed{(counts.Failed > 0 ? " (--retry-failed runs them again)" : string.Empty)}").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
