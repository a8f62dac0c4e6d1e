using System.CommandLine;
using NtkSweep.Cli.Hosting;
using NtkSweep.Redis;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep export NAME --redis … --out STORE`: copies a sweep from Redis into a local result store (its manifest and
/// every stored record of its runs), which `report STORE` reads like a local run's. Reads Redis only; no silo needed.
/// Records already in STORE are kept (they are content-addressed), so exporting again adds what finished since.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Copy a sweep's results from Redis into a local result store (for `report`, archiving, then `delete`).");
        var name = new Argument<string>("sweep") { Description = "The sweep's name." };
        var output = new Option<DirectoryInfo>("--out") { Description = "The local result store to write (created if missing).", Required = true };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(name);
        command.Options.Add(output);
        redis.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var sweep = parseResult.GetValue(name)!;
            var target = CommandPaths.Directory(parseResult.GetValue(output)!.FullName, "--out", create: false);
            return await RedisCommandOptions.RunOneShotAsync(options, async multiplexer =>
            {
                var source = RedisResultStore.Open(multiplexer, options);
                var manifest = source.ReadSweepManifest(sweep) ?? throw RedisCommandOptions.NoSuchSweep(sweep, options);
                CommandPaths.Directory(target, "--out");
                using var storeLock = StoreLock.Acquire(target, "--out");
                var store = new DirectoryResultStore(target);
                var runs = source.GetMany(manifest.Keys);
                var added = 0;
                foreach (var run in runs)
                {
                    if (run.IsFinished ? store.TryCommit(run) : Replace(store, run))
                    {
                        added++;
                    }
                }

                store.SaveSweepManifest(manifest);
                var finished = runs.Count(run => run.IsFinished);
                source.MarkExported(sweep, target, finished);
                var missing = manifest.Keys.Count - runs.Count;
                await Console.Out.WriteLineAsync(
                    $"exported {sweep} to {target}: {runs.Count} of {manifest.Keys.Count} runs stored ({finished} finished, {runs.Count - finished} failed, {added} new here){(missing > 0 ? $"; {missing} not finished yet, export again when they are" : string.Empty)}").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A failed record is copied unless the store already holds a finished one for the key.</summary>
    private static bool Replace(DirectoryResultStore store, StoredRun failed)
    {
        if (store.TryGet(failed.Key) is { IsFinished: true })
        {
            return false;
        }

        store.PutFailure(failed.Key, failed.Spec, failed.Error ?? "failed");
        return true;
    }
}
