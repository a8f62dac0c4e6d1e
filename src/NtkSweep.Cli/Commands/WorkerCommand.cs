using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtkSweep.Cli.Hosting;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Workers;
using NtkSweep.Training.Kernels;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep worker --redis … [--concurrency N]`: a long-running worker in the Generic Host. SIGTERM or Ctrl-C stops
/// it taking runs, checkpoints the runs it holds and releases their leases, so scaling down loses no work. It never
/// exits because Redis is away: it retries with backoff. With --health-listen it also serves /alive and /health.
/// </summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "Work on the sweeps queued on Redis until stopped (SIGTERM / Ctrl-C).");
        var concurrency = new Option<int?>("--concurrency") { Description = "Runs at once (default: NTKSWEEP_WORKER__CONCURRENCY or one per core)." };
        var kernel = new Option<string>("--kernel") { Description = "Kernel path for every run (default: NTKSWEEP_KERNEL or auto); workers of one sweep should share it." };
        var logDirectory = new Option<DirectoryInfo>("--log-dir") { Description = "Also write structured JSON logs to this directory." };
        var healthListen = new Option<string>("--health-listen") { Description = "Serve /alive and /health on this HTTP address for probes (default: NTKSWEEP_WORKER__HEALTHLISTEN, or none)." };
        var redis = new RedisCommandOptions();
        command.Options.Add(concurrency);
        command.Options.Add(kernel);
        command.Options.Add(logDirectory);
        command.Options.Add(healthListen);
        redis.AddTo(command, workerSettings: true);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var workerOptions = new WorkerOptions();
            RedisOptions.EnvironmentConfiguration().GetSection(WorkerOptions.SectionName).Bind(workerOptions);
            workerOptions.Concurrency = parseResult.GetValue(concurrency) ?? workerOptions.Concurrency;
            workerOptions.HealthListen = parseResult.GetValue(healthListen) ?? workerOptions.HealthListen;
            if (workerOptions.Concurrency < 1)
            {
                throw new UsageException("--concurrency: must be at least 1");
            }

            if (!string.IsNullOrWhiteSpace(workerOptions.HealthListen)
                && (!Uri.TryCreate(workerOptions.HealthListen, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                throw new UsageException($"--health-listen: '{workerOptions.HealthListen}' is not an http(s) URL");
            }

            var path = TrainCommand.ParseKernel(parseResult.GetValue(kernel)) ?? KernelSelector.FromEnvironment();
            using var logging = new CliLogging(parseResult.GetValue(logDirectory)?.FullName, consoleWarningsOnly: false);
            var worker = new RedisSweepWorker(options, workerOptions.Concurrency, path, logging.CreateLogger("ntksweep.worker"));

            if (string.IsNullOrWhiteSpace(workerOptions.HealthListen))
            {
                var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                AddWorker(builder.Services, worker);
                using var host = builder.Build();
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
                builder.Logging.ClearProviders();
                builder.WebHost.UseUrls(workerOptions.HealthListen);
                AddWorker(builder.Services, worker);
                await using var app = builder.Build();
                WorkerHealthEndpoints.Map(app, worker);
                await app.RunAsync(cancellationToken).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static void AddWorker(IServiceCollection services, RedisSweepWorker worker)
    {
        services.AddSingleton(worker);
        services.AddHostedService<SweepWorkerService>();
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
    }
}
