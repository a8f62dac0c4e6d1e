using System.Globalization;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace NtkSweep.Redis.Connection;

/// <summary>
/// How to reach Redis and how the distributed mode behaves. Bound from configuration so that deployments can set
/// it through environment variables: <c>NTKSWEEP_REDIS</c> is the connection itself and
/// <c>NTKSWEEP_REDIS__PASSWORD</c>, <c>NTKSWEEP_REDIS__USER</c>, <c>NTKSWEEP_REDIS__TLS</c>, <c>NTKSWEEP_REDIS__TLSCAFILE</c>,
/// <c>NTKSWEEP_REDIS__KEYPREFIX</c>, <c>NTKSWEEP_REDIS__LEASESECONDS</c>, <c>NTKSWEEP_REDIS__CHECKPOINTSTEPS</c>,
/// <c>NTKSWEEP_REDIS__MAXATTEMPTS</c> the rest (section <see cref="SectionName"/>).
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    public const string EnvironmentPrefix = "NTKSWEEP_";

    /// <summary>host:port, or a StackExchange.Redis configuration string (host:port,password=…,ssl=true).</summary>
    public string? Connection { get; set; }

    public string? Password { get; set; }

    /// <summary>
    /// ACL user name. StackExchange.Redis 1.2.6 only sends <c>AUTH password</c>, so with a user the connection is
    /// opened without a password and <c>AUTH user password</c> is sent on every (re)connect by <see cref="RedisConnector"/>.
    /// </summary>
    public string? User { get; set; }

    public bool Tls { get; set; }

    /// <summary>The host name the server's TLS certificate is checked against (default: the endpoint's host).</summary>
    public string? TlsHost { get; set; }

    /// <summary>A PEM file with the CA that signed the server's certificate (default: the system's trust store).</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Prepended to every key, so that several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "ntksweep:";

    /// <summary>How long a worker owns a run without renewing; a dead worker's runs are reclaimed after this.</summary>
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>Accepted training steps between checkpoints saved to Redis.</summary>
    public int CheckpointSteps { get; set; } = 2000;

    /// <summary>
    /// Least time between two checkpoints of a run: a run shorter than this never checkpoints (a crash costs it at most
    /// this much work), which keeps short runs free of Redis writes. 0 checkpoints every <see cref="CheckpointSteps"/>.
    /// </summary>
    public double CheckpointSeconds { get; set; }

    /// <summary>Attempts (failures or crashed owners) after which a run is marked failed with its last error.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long an idle worker waits before it looks for work again.</summary>
    public double PollSeconds { get; set; } = 0.5;

    public double ConnectTimeoutSeconds { get; set; } = 5;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    public TimeSpan Poll => TimeSpan.FromSeconds(PollSeconds);

    /// <summary>Renewals and heartbeats happen three times per lease so that one late renewal does not lose a run.</summary>
    public TimeSpan RenewInterval => TimeSpan.FromSeconds(LeaseSeconds / 3);

    /// <summary>Reads the options from configuration (the <see cref="SectionName"/> section; its own value is the connection).</summary>
    public static RedisOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var options = new RedisOptions();
        section.Bind(options);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            options.Connection = section.Value;
        }

        return options;
    }

    /// <summary>Configuration from the NTKSWEEP_ environment variables (NTKSWEEP_REDIS__PASSWORD → Redis:Password).</summary>
    public static IConfiguration EnvironmentConfiguration() =>
        new ConfigurationBuilder().AddEnvironmentVariables(EnvironmentPrefix).Build();

    /// <summary>Every problem with the options, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Connection))
        {
            problems.Add("no Redis connection given (use --redis HOST:PORT or set NTKSWEEP_REDIS)");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(Connection).EndPoints.Count == 0)
                {
                    problems.Add($"the Redis connection '{Connection}' names no endpoint");
                }
            }
            catch (ArgumentException error)
            {
                problems.Add($"the Redis connection '{Connection}' is malformed: {error.Message}");
            }
        }

        if (!string.IsNullOrEmpty(TlsCaFile) && !File.Exists(TlsCaFile))
        {
            problems.Add($"the TLS CA file '{TlsCaFile}' does not exist");
        }

        if (!string.IsNullOrEmpty(User) && string.IsNullOrEmpty(Password))
        {
            problems.Add("a Redis user needs a password (NTKSWEEP_REDIS__PASSWORD or --redis-password)");
        }

        if (string.IsNullOrEmpty(KeyPrefix) || KeyPrefix.Any(char.IsWhiteSpace))
        {
            problems.Add("the key prefix must be non-empty and contain no whitespace");
        }

        if (!double.IsFinite(LeaseSeconds) || LeaseSeconds < 0.5 || LeaseSeconds > 3600)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"lease seconds must be between 0.5 and 3600 (got {LeaseSeconds})"));
        }

        if (!double.IsFinite(CheckpointSeconds) || CheckpointSeconds < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"checkpoint seconds must be 0 or more (got {CheckpointSeconds})"));
        }

        if (CheckpointSteps < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"checkpoint steps must be at least 1 (got {CheckpointSteps})"));
        }

        if (MaxAttempts < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"max attempts must be at least 1 (got {MaxAttempts})"));
        }

        if (!double.IsFinite(PollSeconds) || PollSeconds <= 0 || PollSeconds > 60)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"poll seconds must be in (0, 60] (got {PollSeconds})"));
        }

        if (!double.IsFinite(ConnectTimeoutSeconds) || ConnectTimeoutSeconds <= 0)
        {
            problems.Add("the connect timeout must be positive");
        }

        return problems;
    }

    /// <summary>Throws <see cref="RedisSetupException"/> listing every problem when the options are unusable.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new RedisSetupException(string.Join("; ", problems));
        }
    }

    /// <summary>The endpoint(s) for messages, without the password.</summary>
    public string Describe()
    {
        try
        {
            return string.Join(",", ConfigurationOptions.Parse(Connection ?? string.Empty).EndPoints.Select(RedisConnector.Format));
        }
        catch (ArgumentException)
        {
            return "(malformed)";
        }
    }
}
