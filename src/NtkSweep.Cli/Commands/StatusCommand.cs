using System.CommandLine;
using System.Globalization;
using System.Text;
using NtkSweep.Grains;
using NtkSweep.Hosting;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Cli.Commands;

/// <summary>`ntksweep status [SWEEP] --redis … [--json]`: progress, failures, throughput and ETA per sweep; silos and slots.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the progress of the cluster's sweeps, and its silos.");
        var sweepArgument = new Argument<string?>("sweep") { Description = "One sweep by name (default: every sweep).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (per-state counts, finished flag, failures, silos)." };
        var redis = new RedisCommandOptions();
        command.Arguments.Add(sweepArgument);
        command.Options.Add(json);
        redis.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var name = parseResult.GetValue(sweepArgument);
            return await RedisCommandOptions.RunClientAsync(options, async grains =>
            {
                var cluster = await grains.GetGrain<ISweepRegistryGrain>(ISweepRegistryGrain.ClusterKey).GetStatus().ConfigureAwait(false);
                var names = name is null ? cluster.Sweeps : [name];
                var sweeps = await Task.WhenAll(names.Select(sweep => grains.GetGrain<ISweepGrain>(sweep).GetStatus())).ConfigureAwait(false);
                if (sweeps.FirstOrDefault(sweep => !sweep.Exists) is { } missing)
                {
                    throw RedisCommandOptions.NoSuchSweep(missing.Name, options);
                }

                var text = parseResult.GetValue(json) ? SweepStatusJson.Write(sweeps, cluster) : Describe(sweeps, cluster);
                await Console.Out.WriteLineAsync(text).ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static string Describe(IReadOnlyList<SweepStatus> sweeps, ClusterStatus cluster)
    {
        var text = new StringBuilder();
        if (sweeps.Count == 0)
        {
            text.AppendLine("no sweeps submitted");
        }

        foreach (var sweep in sweeps)
        {
            var counts = sweep.Counts;
            text.AppendLine(Invariant($"{sweep.Name}: {counts.Total} runs: {counts.Done} done, {counts.Diverged} diverged, {counts.Failed} failed, {counts.Running} running, {counts.Pending} pending{(sweep.Cancelled ? " (cancelled)" : string.Empty)}{(sweep.Finished ? " (finished)" : string.Empty)}"));
            if (!sweep.Finished)
            {
                text.AppendLine(Invariant($"  {sweep.CostFraction:P0} of the cost done, {sweep.RunsPerSecond * 60:0.##} runs/min, ETA {SweepEta.Format(sweep.EtaSeconds, sweep.Refines)}"));
            }

            foreach (var failure in sweep.Failures)
            {
                text.AppendLine(Invariant($"  failed {failure.Key} after {failure.Attempts} attempts: {failure.Error}"));
            }
        }

        text.Append(Invariant($"silos: {cluster.Silos.Count}, slots: {cluster.Silos.Sum(silo => silo.Slots)}"));
        foreach (var silo in cluster.Silos)
        {
            text.AppendLine();
            text.Append(Invariant($"  {silo.Silo} on {silo.Host}: {silo.Busy} of {silo.Slots} slots busy, kernel {silo.KernelPath}"));
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
