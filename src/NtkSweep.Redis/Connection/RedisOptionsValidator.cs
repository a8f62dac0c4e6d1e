using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace NtkSweep.Redis.Connection;

/// <summary>
/// The one check of <see cref="RedisOptions"/>: hosts run it on start (<c>ValidateOnStart</c>), and the CLI runs the same
/// rules before it builds a host, so that a bad option is one line naming it, not a stack trace from a starting silo.
/// </summary>
public sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        var problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static IReadOnlyList<string> Problems(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Connection))
        {
            problems.Add("no Redis connection given (use --redis HOST:PORT or set NTKSWEEP_REDIS)");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(options.Connection).EndPoints.Count == 0)
                {
                    problems.Add($"the Redis connection '{options.Connection}' names no endpoint");
                }
            }
            catch (ArgumentException error)
            {
                problems.Add($"the Redis connection '{options.Connection}' is malformed: {error.Message}");
            }
        }

        if (!string.IsNullOrEmpty(options.TlsCaFile) && !File.Exists(options.TlsCaFile))
        {
            problems.Add($"the TLS CA file '{options.TlsCaFile}' does not exist");
        }

        if (!string.IsNullOrEmpty(options.User) && string.IsNullOrEmpty(options.Password))
        {
            problems.Add("a Redis user needs a password (NTKSWEEP_REDIS__PASSWORD or --redis-password)");
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            problems.Add("the key prefix must be non-empty and contain no whitespace");
        }

        if (!double.IsFinite(options.ConnectTimeoutSeconds) || options.ConnectTimeoutSeconds <= 0)
        {
            problems.Add("the connect timeout must be positive");
        }

        return problems;
    }
}
