using System.CommandLine;
using System.Globalization;
using System.Text;
using NtkSweep.Redis;
using NtkSweep.Redis.Queue;
using NtkSweep.Redis.Status;
using NtkSweep.Redis.Workers;

namespace NtkSweep.Cli.Commands;

/// <summary>`ntksweep status [SWEEP] --redis … [--json]`: progress, workers, throughput, ETA and failures.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the progress of sweeps on Redis, and the live workers.");
        var sweepArgument = new Argument<string?>("sweep") { Description = "One sweep by name (default: every sweep).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (per-state counts, finished flag, workers, failures)." };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(sweepArgument);
        command.Options.Add(json);
        redis.AddTo(command, workerSettings: false);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var name = parseResult.GetValue(sweepArgument);
            return await RedisCommandOptions.RunOneShotAsync(options, async multiplexer =>
            {
                var database = multiplexer.GetDatabase();
                var keys = new RedisKeys(options.KeyPrefix);
                var reader = new SweepStatusReader(database, keys, new RedisResultStore(database, keys, options.Describe()));
                var names = name is null ? reader.SweepNames() : [name];
                var sweeps = names.Select(sweep => reader.Read(sweep) ?? throw new UsageException($"no sweep named '{sweep}' was submitted to {options.Describe()}")).ToArray();
                var workers = new WorkerMembership(database, keys, options.Lease * 2).ReadLive();
                var text = parseResult.GetValue(json)
                    ? SweepStatusJson.Write(name is null ? null : sweeps[0], sweeps, workers)
                    : Describe(sweeps, workers);
                await Console.Out.WriteLineAsync(text).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static string Describe(IReadOnlyList<SweepStatus> sweeps, IReadOnlyList<WorkerInfo> workers)
    {
        var text = new StringBuilder();
        if (sweeps.Count == 0)
        {
            text.AppendLine("no sweeps submitted");
        }

        foreach (var sweep in sweeps)
        {
            text.AppendLine(Invariant($"{sweep.Name}: {sweep.Total} runs: {sweep.Done} done, {sweep.Diverged} diverged, {sweep.Failed} failed, {sweep.Running} running, {sweep.Pending} pending{(sweep.Finished ? " (finished)" : string.Empty)}"));
            if (!sweep.Finished)
            {
                text.AppendLine(Invariant($"  throughput {sweep.RunsPerMinute:0.##} runs/min, ETA {SweepStatusReader.FormatEta(sweep.EtaSeconds)}"));
            }

            foreach (var failure in sweep.Failures)
            {
                text.AppendLine(Invariant($"  failed {failure.Key}: {failure.Error}"));
            }
        }

        text.Append(Invariant($"workers: {workers.Count}"));
        var now = DateTimeOffset.UtcNow;
        foreach (var worker in workers)
        {
            text.AppendLine();
            text.Append(Invariant($"  {worker.Id}: {worker.Host} pid {worker.ProcessId}, {worker.Cores} cores, {worker.Concurrency} at once, kernel {worker.KernelPath}, v{worker.Version}, heartbeat {(now - worker.LastHeartbeat).TotalSeconds:0.0} s ago, runs [{string.Join(", ", worker.CurrentRuns)}]"));
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
