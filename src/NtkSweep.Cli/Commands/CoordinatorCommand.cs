using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtkSweep.Cli.Hosting;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Coordination;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep coordinator --redis …`: the long-running coordinator. Accepts submissions, watches progress,
/// re-renders each sweep's phase report as results arrive, and serves the reports, status JSON, /health and /alive.
/// </summary>
internal static class CoordinatorCommand
{
    public static Command Create()
    {
        var command = new Command("coordinator", "Serve live phase reports, sweep status, /health and /alive over HTTP; re-render reports as results arrive.");
        var listen = new Option<string>("--listen") { Description = "HTTP address to listen on (default: NTKSWEEP_COORDINATOR__LISTEN or http://127.0.0.1:8080)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to render the reports, one directory per sweep (default: ./reports)." };
        var renderSeconds = new Option<double?>("--render-seconds") { Description = "How often to look for new results (default: 5)." };
        var redis = new RedisCommandOptions();
        command.Options.Add(listen);
        command.Options.Add(output);
        command.Options.Add(renderSeconds);
        redis.AddTo(command, workerSettings: false);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var redisOptions = redis.Read(parseResult);
            var options = new CoordinatorOptions();
            RedisOptions.EnvironmentConfiguration().GetSection(CoordinatorOptions.SectionName).Bind(options);
            options.Listen = parseResult.GetValue(listen) ?? options.Listen;
            options.ReportDirectory = parseResult.GetValue(output)?.FullName ?? options.ReportDirectory;
            options.RenderSeconds = parseResult.GetValue(renderSeconds) ?? options.RenderSeconds;
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                throw new UsageException(string.Join("; ", problems));
            }

            using var logging = new CliLogging(null, consoleWarningsOnly: false);
            var coordinator = new LiveSweepCoordinator(
                redisOptions,
                options,
                (title, description, runs, hints, directory) => ReportCommand.Write(title, description, runs, ReportCommand.OptionsFrom(hints), directory),
                logging.CreateLogger("ntksweep.coordinator"));

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(options.Listen);
            builder.Services.AddSingleton(coordinator);
            builder.Services.AddHostedService<CoordinatorService>();
            await using var app = builder.Build();
            CoordinatorEndpoints.Map(app, coordinator);
            logging.CreateLogger("ntksweep.coordinator").LogInformation("Coordinator listening on {Listen}", options.Listen);
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
