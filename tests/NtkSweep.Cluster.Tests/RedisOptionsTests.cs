using Microsoft.Extensions.Configuration;
using NtkSweep.Grains;
using NtkSweep.Redis.Connection;

namespace NtkSweep.Cluster.Tests;

/// <summary>Settings bind from configuration the way NTKSWEEP_ environment variables map onto it, and are validated.</summary>
public sealed class RedisOptionsTests
{
    [Fact]
    public void Environment_style_keys_bind_the_connection_and_every_setting()
    {
        // NTKSWEEP_REDIS → "Redis", NTKSWEEP_REDIS__KEYPREFIX → "Redis:KeyPrefix", NTKSWEEP_ENGINE__SLOTS → "Engine:Slots".
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["REDIS"] = "redis.internal:6380",
            ["REDIS:PASSWORD"] = "secret",
            ["REDIS:USER"] = "sweeper",
            ["REDIS:TLS"] = "true",
            ["REDIS:KEYPREFIX"] = "prod:",
            ["ENGINE:SLOTS"] = "6",
            ["ENGINE:MAXATTEMPTS"] = "4",
            ["ENGINE:CHECKPOINTSECONDS"] = "12.5",
        }).Build();

        var options = RedisOptions.FromConfiguration(configuration);
        Assert.Equal("redis.internal:6380", options.Connection);
        Assert.Equal("secret", options.Password);
        Assert.Equal("sweeper", options.User);
        Assert.True(options.Tls);
        Assert.Equal("prod:", options.KeyPrefix);
        Assert.Empty(options.Validate());
        Assert.Equal("redis.internal:6380", options.Describe());

        var engine = new EngineOptions();
        configuration.GetSection(EngineOptions.SectionName).Bind(engine);
        Assert.Equal(6, engine.Slots);
        Assert.Equal(4, engine.MaxAttempts);
        Assert.Equal(12.5, engine.CheckpointSeconds);
    }

    [Fact]
    public void Unusable_settings_are_all_reported_by_name()
    {
        var options = new RedisOptions { Connection = null, User = "sweeper", KeyPrefix = "has space", ConnectTimeoutSeconds = 0 };
        var problems = options.Validate();
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, problem => problem.Contains("NTKSWEEP_REDIS", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("user needs a password", StringComparison.Ordinal));
        Assert.Contains(problems, problem => problem.Contains("key prefix", StringComparison.Ordinal));
        Assert.Throws<RedisSetupException>(options.EnsureValid);
    }

    [Fact]
    public void A_silo_host_with_unusable_settings_fails_on_start_naming_them_before_it_joins_anything()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var options = new RedisOptions { Connection = "127.0.0.1:1", KeyPrefix = "has space" };
        NtkSweep.Hosting.ClusterComposition.AddNtkSweepClusterSilo(builder, options, new NtkSweep.Hosting.SiloNetworkOptions(), _ => { });
        using var host = builder.Build();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync().GetAwaiter().GetResult());
        Assert.Contains("key prefix", error.Message, StringComparison.Ordinal);
    }
}
