using Microsoft.Extensions.Configuration;
using NtkSweep.Redis.Connection;
using NtkSweep.Redis.Coordination;

namespace NtkSweep.Redis.Tests;

/// <summary>Settings bind from configuration the way NTKSWEEP_ environment variables map onto it, and are validated.</summary>
public sealed class RedisOptionsTests
{
    [Fact]
    public void Environment_style_keys_bind_the_connection_and_every_setting()
    {
        // NTKSWEEP_REDIS → "Redis", NTKSWEEP_REDIS__LEASESECONDS → "Redis:LeaseSeconds" (case-insensitive).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS"] = "redis.internal:6380",
            ["REDIS:PASSWORD"] = "secret",
            ["REDIS:USER"] = "sweeper",
            ["REDIS:TLS"] = "true",
            ["REDIS:KEYPREFIX"] = "prod:",
            ["REDIS:LEASESECONDS"] = "12.5",
            ["REDIS:CHECKPOINTSTEPS"] = "500",
            ["REDIS:MAXATTEMPTS"] = "4",
            ["COORDINATOR:LISTEN"] = "http://0.0.0.0:9090",
        }).Build();

        var options = RedisOptions.FromConfiguration(configuration);
        Assert.Equal("redis.internal:6380", options.Connection);
        Assert.Equal("secret", options.Password);
        Assert.Equal("sweeper", options.User);
        Assert.True(options.Tls);
        Assert.Equal("prod:", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(12.5), options.Lease);
        Assert.Equal(500, options.CheckpointSteps);
        Assert.Equal(4, options.MaxAttempts);
        Assert.Empty(options.Validate());
        Assert.Equal("redis.internal:6380", options.Describe());

        var coordinator = new CoordinatorOptions();
        configuration.GetSection(CoordinatorOptions.SectionName).Bind(coordinator);
        Assert.Equal("http://0.0.0.0:9090", coordinator.Listen);
        Assert.Empty(coordinator.Validate());
    }

    [Fact]
    public void Unusable_settings_are_all_reported_by_name()
    {
        var options = new RedisOptions { Connection = null, User = "sweeper", KeyPrefix = "has space", LeaseSeconds = 0.1, CheckpointSteps = 0, MaxAttempts = 0 };
        var problems = options.Validate();
        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, problem => problem.Contains("NTKSWEEP_REDIS", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("user needs a password", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("lease seconds", StringComparison.Ordinal));
        Assert.Throws<RedisSetupException>(options.EnsureValid);
        Assert.NotEmpty(new CoordinatorOptions { Listen = "not a url" }.Validate());
    }
}
