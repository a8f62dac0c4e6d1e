using System.CommandLine;
using NtkSweep.Grains;
using NtkSweep.Redis;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep delete NAME --redis …`: removes an ended sweep's data from Redis through its sweep grain (state,
/// reminder, registry entry, manifest, and the records and checkpoints of runs no other sweep lists), so that Redis
/// stays small across months of sweeps. Refuses a sweep with runs pending or running, and one whose results were not
/// all exported (`ntksweep export`) unless --force says they may go.
/// </summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var command = new Command("delete", "Remove an ended sweep's data from Redis (after `export`; runs other sweeps list are kept).");
        var name = new Argument<string>("sweep") { Description = "The sweep's name." };
        var force = new Option<bool>("--force") { Description = "Delete although its results were not all exported." };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(name);
        command.Options.Add(force);
        redis.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var sweep = parseResult.GetValue(name)!;
            int? exported = null;
            var read = await RedisCommandOptions.RunOneShotAsync(options, multiplexer =>
            {
                exported = RedisResultStore.Open(multiplexer, options).ExportedRuns(sweep);
                return Task.FromResult(0);
            }).ConfigureAwait(false);
            if (read != 0)
            {
                return read;
            }

            return await RedisCommandOptions.RunClientAsync(options, async grains =>
            {
                var grain = grains.GetGrain<ISweepGrain>(sweep);
                var status = await grain.GetStatus().ConfigureAwait(false);
                if (!status.Exists)
                {
                    throw RedisCommandOptions.NoSuchSweep(sweep, options);
                }

                var finished = status.Counts.Done + status.Counts.Diverged;
                if (!parseResult.GetValue(force) && (exported is null || exported < finished))
                {
                    throw new UsageException(exported is null
                        ? $"sweep '{sweep}' was never exported: run `ntksweep export {sweep} --out STORE` first, or pass --force to delete its results"
                        : $"sweep '{sweep}' has {finished} finished runs but its last export held {exported}: export it again, or pass --force");
                }

                var deletion = await grain.Delete().ConfigureAwait(false);
                if (deletion.Refused is { } refused)
                {
                    throw new UsageException(refused);
                }

                await Console.Out.WriteLineAsync($"deleted {sweep}: {deletion.RunsRemoved} runs removed from {options.Describe()}, {deletion.RunsShared} kept (other sweeps list them)").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
