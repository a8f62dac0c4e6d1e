using System.Globalization;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace NtkSweep.Redis.Connection;

/// <summary>
/// How to reach the cluster's Redis (membership, grain state, reminders, grain directory and results). Bound from
/// configuration so that deployments can set it through environment variables: <c>NTKSWEEP_REDIS</c> is the
/// connection itself and <c>NTKSWEEP_REDIS__PASSWORD</c>, <c>NTKSWEEP_REDIS__USER</c>, <c>NTKSWEEP_REDIS__TLS</c>,
/// <c>NTKSWEEP_REDIS__TLSCAFILE</c>, <c>NTKSWEEP_REDIS__KEYPREFIX</c> the rest (section <see cref="SectionName"/>).
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    public const string EnvironmentPrefix = "NTKSWEEP_";

    /// <summary>host:port, or a StackExchange.Redis configuration string (host:port,password=…,ssl=true).</summary>
    public string? Connection { get; set; }

    public string? Password { get; set; }

    /// <summary>ACL user name (sent with the password as <c>AUTH user password</c>).</summary>
    public string? User { get; set; }

    public bool Tls { get; set; }

    /// <summary>The host name the server's TLS certificate is checked against (default: the endpoint's host).</summary>
    public string? TlsHost { get; set; }

    /// <summary>A PEM file with the CA that signed the server's certificate (default: the system's trust store).</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Prepended to every key, so that several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "ntksweep:";

    public double ConnectTimeoutSeconds { get; set; } = 5;

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

    /// <summary>Every problem with the options, each naming the setting; empty when they are usable (<see cref="RedisOptionsValidator"/>).</summary>
    public IReadOnlyList<string> Validate() => RedisOptionsValidator.Problems(this);

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
