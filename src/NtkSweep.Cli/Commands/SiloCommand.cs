using System.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtkSweep.Cli.Hosting;
using NtkSweep.Hosting;
using NtkSweep.Redis.Connection;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// `ntksweep silo --redis HOST:PORT [--concurrency N] [--listen URL]`: one silo of the cluster, clustered on Redis,
/// training on N slots. SIGTERM hands its runs over: each checkpoints and is reported interrupted, then the silo
/// leaves the cluster. With --listen it also serves the status, the live reports and submissions over HTTP.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var command = new Command("silo", "Run one silo of an NtkSweep cluster clustered on Redis (many machines, or Kubernetes).");
        var concurrency = new Option<int?>("--concurrency") { Description = "Training slots of this silo (default: NTKSWEEP_ENGINE__SLOTS or one per core)." };
        var listen = new Option<string>("--listen") { Description = "Serve /alive, /health, /api/sweeps and live reports at this URL, e.g. http://0.0.0.0:8080." };
        var siloPort = new Option<int?>("--silo-port") { Description = "Port for silo-to-silo traffic (default: 11111)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "Port clients connect to (default: 30000)." };
        var advertise = new Option<string>("--advertise") { Description = "The IP address other silos and clients reach this one at (default: this host's first address)." };
        var kernel = new Option<string>("--kernel") { Description = "Kernel path for every run: " + KernelChoice.OptionDescription };
        var redis = new RedisCommandOptions();
        var engine = new EngineCommandOptions();
        command.Options.Add(concurrency);
        command.Options.Add(listen);
        command.Options.Add(siloPort);
        command.Options.Add(gatewayPort);
        command.Options.Add(advertise);
        command.Options.Add(kernel);
        redis.AddTo(command);
        engine.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = redis.Read(parseResult);
            var slots = parseResult.GetValue(concurrency);
            if (slots is < 1)
            {
                throw new UsageException("--concurrency: must be at least 1");
            }

            var url = parseResult.GetValue(listen);
            if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                throw new UsageException($"--listen: '{url}' is not a URL (e.g. http://0.0.0.0:8080)");
            }

            IPAddress? address = null;
            if (parseResult.GetValue(advertise) is { } text && !IPAddress.TryParse(text, out address))
            {
                throw new UsageException($"--advertise: '{text}' is not an IP address");
            }

            var network = new SiloNetworkOptions { AdvertisedAddress = address };
            network.SiloPort = parseResult.GetValue(siloPort) ?? network.SiloPort;
            network.GatewayPort = parseResult.GetValue(gatewayPort) ?? network.GatewayPort;
            var path = KernelChoice.FromOptionOrEnvironment(parseResult.GetValue(kernel));
            var settings = engine.Read(parseResult);
            try
            {
                RedisConnector.EnsureReachable(options);
            }
            catch (RedisSetupException error)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
                return RedisCommandOptions.RedisUnavailableExitCode;
            }

            return await RunAsync(options, network, url, engineOptions =>
            {
                settings(engineOptions);
                engineOptions.Slots = slots ?? engineOptions.Slots;
                engineOptions.Kernel = path ?? engineOptions.Kernel;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(RedisOptions redis, SiloNetworkOptions network, string? url, Action<Grains.EngineOptions> engine, CancellationToken cancellationToken)
    {
        using var logging = new CliLogging(null, consoleWarningsOnly: false);
        var logger = logging.CreateLogger("ntksweep.silo");
        IHost host;
        if (url is null)
        {
            var builder = CommandHost.CreateBuilder(logging);
            builder.AddNtkSweepClusterSilo(redis, network, engine);
            host = builder.Build();
        }
        else
        {
            var builder = CommandHost.Configure(WebApplication.CreateEmptyBuilder(new WebApplicationOptions()), logging);
            builder.WebHost.UseKestrelCore().UseUrls(url);
            builder.Services.AddRoutingCore();
            builder.AddNtkSweepClusterSilo(redis, network, engine);
            var app = builder.Build();
            app.UseRouting();
            app.MapNtkSweepEndpoints();
            host = app;
        }

        using (host)
        {
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogError("The silo could not start: {Error}", error.Message);
                await Console.Error.WriteLineAsync($"error: the silo could not start: {error.Message}").ConfigureAwait(false);
                return RedisCommandOptions.RedisUnavailableExitCode;
            }

            var address = host.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString();
            logger.LogInformation("Silo started as {Silo} on the cluster at {Redis}{Listen}", address, redis.Describe(), url is null ? string.Empty : $", serving {url}");

            // The silo stops by itself when the cluster declared it dead (e.g. after it was frozen): exit then, so
            // that a supervisor starts a fresh one.
            var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var stoppedBySelf = false;
            try
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
                await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                stoppedBySelf = !cancellationToken.IsCancellationRequested;
                logger.LogInformation("Stopping: checkpointing running runs and leaving the cluster");
            }

            await CommandHost.StopAsync(host).ConfigureAwait(false);
            logger.LogInformation("Silo stopped");
            return stoppedBySelf ? 1 : 0;
        }
    }
}
