using System.CommandLine;
using NtkSweep.Grains;

namespace NtkSweep.Cli.Commands;

/// <summary>`ntksweep cancel NAME --redis …`: stops handing out the sweep's runs and stops its running ones (checkpoints kept).</summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var command = new Command("cancel", "Cancel a sweep on the cluster: no more runs start, running ones stop (a later submit resumes it).");
        var name = new Argument<string>("sweep") { Description = "The sweep's name." };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(name);
        redis.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var sweep = parseResult.GetValue(name)!;
            return await RedisCommandOptions.RunClientAsync(options, async grains =>
            {
                var grain = grains.GetGrain<ISweepGrain>(sweep);
                if (!(await grain.GetStatus().ConfigureAwait(false)).Exists)
                {
                    throw RedisCommandOptions.NoSuchSweep(sweep, options);
                }

                var status = await grain.Cancel().ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"cancelled {sweep}: {status.Counts.Finished} of {status.Counts.Total} finished, {status.Counts.Running} stopping").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
