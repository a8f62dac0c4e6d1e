using System.CommandLine;
using NtkSweep.Redis.Connection;
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
    private readonly Option<double?> leaseSeconds = new("--lease-seconds") { Description = "Lease length: a dead worker's runs are reclaimed after this (default: 30)." };
    private readonly Option<int?> checkpointSteps = new("--checkpoint-steps") { Description = "Training steps between checkpoints saved to Redis (default: 2000)." };
    private readonly Option<double?> checkpointSeconds = new("--checkpoint-seconds") { Description = "Least time between two checkpoints of a run; shorter runs never checkpoint (default: 0)." };
    private readonly Option<int?> maxAttempts = new("--max-attempts") { Description = "Attempts before a run is marked failed (default: 3)." };
    private readonly Option<double?> pollSeconds = new("--poll-seconds") { Description = "How often an idle worker looks for work (default: 0.5)." };

    /// <summary>Adds the connection options, and with <paramref name="workerSettings"/> the lease and retry settings.</summary>
    public void AddTo(Command command, bool workerSettings)
    {
        command.Options.Add(connection);
        command.Options.Add(password);
        command.Options.Add(user);
        command.Options.Add(tls);
        command.Options.Add(tlsCa);
        command.Options.Add(keyPrefix);
        if (workerSettings)
        {
            command.Options.Add(leaseSeconds);
            command.Options.Add(checkpointSteps);
            command.Options.Add(checkpointSeconds);
            command.Options.Add(maxAttempts);
            command.Options.Add(pollSeconds);
        }
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
        options.LeaseSeconds = parseResult.GetValue(leaseSeconds) ?? options.LeaseSeconds;
        options.CheckpointSteps = parseResult.GetValue(checkpointSteps) ?? options.CheckpointSteps;
        options.CheckpointSeconds = parseResult.GetValue(checkpointSeconds) ?? options.CheckpointSeconds;
        options.MaxAttempts = parseResult.GetValue(maxAttempts) ?? options.MaxAttempts;
        options.PollSeconds = parseResult.GetValue(pollSeconds) ?? options.PollSeconds;
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
}
