using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NtkSweep.Cli.Hosting;
using NtkSweep.Hosting;
using NtkSweep.Redis.Connection;
using Orleans;
using StackExchange.Redis;

namespace NtkSweep.Cli.Commands;

/// <summary>
/// The options every Redis command shares. Values come from NTKSWEEP_ environment variables first (see
/// <see cref="RedisOptions"/>), then the command line overrides them.
/// </summary>
internal sealed class RedisCommandOptions
{
    /// <summary>Exit code of a one-shot command that cannot use Redis (unreachable, credentials refused, too old).</summary>
    public const int RedisUnavailableExitCode = 3;

    private readonly Option<string> connection = new("--redis") { Description = "Redis endpoint HOST:PORT or a StackExchange.Redis configuration string (default: NTKSWEEP_REDIS)." };
    private readonly Option<string> password = new("--redis-password") { Description = "Redis password (prefer NTKSWEEP_REDIS__PASSWORD: command lines are visible to other users)." };
    private readonly Option<string> user = new("--redis-user") { Description = "Redis ACL user (authenticates with AUTH USER PASSWORD)." };
    private readonly Option<bool?> tls = new("--redis-tls") { Description = "Connect with TLS.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<FileInfo> tlsCa = new("--redis-tls-ca") { Description = "PEM file of the CA that signed the Redis server's certificate (default: system trust store)." };
    private readonly Option<string> keyPrefix = new("--key-prefix") { Description = "Prefix of every key, to isolate deployments (default: ntksweep:)." };

    /// <summary>The one message for a sweep name that the cluster at <paramref name="options"/> has never been given.</summary>
    public static UsageException NoSuchSweep(string name, RedisOptions options) =>
        new($"no sweep named '{name}' was submitted to {options.Describe()}");

    /// <summary>Adds the connection options.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(connection);
        command.Options.Add(password);
        command.Options.Add(user);
        command.Options.Add(tls);
        command.Options.Add(tlsCa);
        command.Options.Add(keyPrefix);
    }

    public bool ConnectionGiven(ParseResult parseResult) => parseResult.GetResult(connection) is not null;

    /// <summary>The options from the environment and the command line; a usage error when they are unusable.</summary>
    public RedisOptions Read(ParseResult parseResult)
    {
        var options = RedisOptions.FromConfiguration(RedisOptions.EnvironmentConfiguration());
        options.Connection = parseResult.GetValue(connection) ?? options.Connection;
        options.Password = parseResult.GetValue(password) ?? options.Password;
        options.User = parseResult.GetValue(user) ?? options.User;
        if (parseResult.GetResult(tls) is not null)
        {
            options.Tls = parseResult.GetValue(tls) ?? true;
        }

        options.TlsCaFile = parseResult.GetValue(tlsCa)?.FullName ?? options.TlsCaFile;
        options.KeyPrefix = parseResult.GetValue(keyPrefix) ?? options.KeyPrefix;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new UsageException(string.Join("; ", problems));
        }

        return options;
    }

    /// <summary>
    /// Runs a one-shot command against Redis: connection trouble becomes one line on stderr and exit code
    /// <see cref="RedisUnavailableExitCode"/>, never a stack trace.
    /// </summary>
    public static async Task<int> RunOneShotAsync(RedisOptions options, Func<ConnectionMultiplexer, Task<int>> action)
    {
        try
        {
            using var multiplexer = RedisConnector.Connect(options);
            return await action(multiplexer).ConfigureAwait(false);
        }
        catch (RedisSetupException error)
        {
            await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            return RedisUnavailableExitCode;
        }
        catch (Exception error) when (error is RedisConnectionException or RedisTimeoutException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"error: lost Redis at {options.Describe()}: {error.Message}").ConfigureAwait(false);
            return RedisUnavailableExitCode;
        }
    }

    /// <summary>
    /// Runs a one-shot command through the cluster's gateway: Redis is checked first (one line and exit
    /// <see cref="RedisUnavailableExitCode"/> when it is down or refuses the credentials), then an Orleans client
    /// connects; no silo to talk to is one line and the same exit code.
    /// </summary>
    public static async Task<int> RunClientAsync(RedisOptions options, Func<IGrainFactory, Task<int>> action)
    {
        try
        {
            RedisConnector.EnsureReachable(options);
        }
        catch (RedisSetupException error)
        {
            await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            return RedisUnavailableExitCode;
        }

        using var logging = new CliLogging(null, consoleWarningsOnly: true, console: false);
        var builder = CommandHost.CreateBuilder(logging);
        builder.Logging.AddFilter("Orleans", LogLevel.None);
        builder.AddNtkSweepClusterClient(options);
        using var host = builder.Build();
        try
        {
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StartAsync(connect.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"error: no NtkSweep silo answers on the cluster at {options.Describe()} ({error.GetType().Name}); start one with `ntksweep silo --redis {options.Describe()}`").ConfigureAwait(false);
            return RedisUnavailableExitCode;
        }

        try
        {
            return await action(host.Services.GetRequiredService<IGrainFactory>()).ConfigureAwait(false);
        }
        catch (Exception error) when (error is Orleans.Runtime.OrleansException or TimeoutException or RedisException)
        {
            await Console.Error.WriteLineAsync($"error: the cluster at {options.Describe()} did not answer: {error.Message}").ConfigureAwait(false);
            return RedisUnavailableExitCode;
        }
        finally
        {
            await CommandHost.StopAsync(host).ConfigureAwait(false);
        }
    }
}
