using System.CommandLine;
using System.CommandLine.Invocation;
using NtkSweep.Cli.Hosting;
using NtkSweep.Redis;
using NtkSweep.Redis.Connection;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Files;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// Teaches `ntksweep report` the distributed mode: `report SWEEP --redis … --out DIR` writes the same phase report
/// as the local mode (through <see cref="SweepReport"/>) from the runs stored in Redis. Without --redis (and
/// without NTKSWEEP_REDIS, or when the argument is an existing directory) the command is the local one, unchanged.
/// </summary>
internal static class RedisReportCommand
{
    public static Command Extend(Command report)
    {
        var local = report.Action ?? throw new InvalidOperationException("the report command has no action");
        var target = report.Arguments[0];
        target.Description = "The result store directory, or with --redis the name of a sweep on Redis.";
        var redis = new RedisCommandOptions();
        redis.AddTo(report);
        report.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetResult(target)?.Tokens.FirstOrDefault()?.Value ?? string.Empty;
            var useRedis = redis.ConnectionGiven(parseResult)
                || (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RedisOptions.EnvironmentPrefix + RedisOptions.SectionName.ToUpperInvariant())) && !Directory.Exists(name));
            if (!useRedis)
            {
                return local switch
                {
                    SynchronousCommandLineAction synchronous => synchronous.Invoke(parseResult),
                    AsynchronousCommandLineAction asynchronous => await asynchronous.InvokeAsync(parseResult, cancellationToken).ConfigureAwait(false),
                    _ => throw new InvalidOperationException("unexpected report action"),
                };
            }

            var options = redis.Read(parseResult);
            var output = CommandPaths.Directory(
                parseResult.GetValue<DirectoryInfo>("--out")?.FullName ?? throw new UsageException("--out: required with --redis (where to write the report)"),
                "--out");
            using var logging = new CliLogging(null, consoleWarningsOnly: true);
            return await RedisCommandOptions.RunOneShotAsync(options, async multiplexer =>
            {
                var store = RedisResultStore.Open(multiplexer, options, logging.CreateLogger("ntksweep.report"));
                var manifest = store.ReadSweepManifest(name) ?? throw RedisCommandOptions.NoSuchSweep(name, options);
                var (sweep, runs) = SweepReport.FromManifest(manifest, store);
                SweepReport.Write(sweep, runs, output);
                await Console.Out.WriteLineAsync($"report: {Path.Combine(output, "report.html")} ({runs.Count} runs)").ConfigureAwait(false);
                return 0;
            }).ConfigureAwait(false);
        });
        return report;
    }
}
