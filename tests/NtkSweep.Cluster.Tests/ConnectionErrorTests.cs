using System.Globalization;

namespace NtkSweep.Cluster.Tests;

/// <summary>Redis that refuses us or is not there, or a cluster without silos: one clear line and a non-zero exit.</summary>
public sealed class ConnectionErrorTests(PasswordRedisServer secured) : IClassFixture<PasswordRedisServer>
{
    private const string Sweep = """
        name: guarded
        fixed: {data: luo1d, maxSteps: 100}
        """;

    [Fact]
    public void Wrong_or_missing_password_is_one_clear_line_and_exit_code_3_for_clients_and_silos()
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Write("guarded.yaml", Sweep);
        var endpoint = secured.Server.Endpoint;

        foreach (var (command, password) in new[] { ("submit", "wrong"), ("submit", null), ("silo", "wrong"), ("status", null) })
        {
            string[] target = command == "submit" ? [command, sweep] : [command];
            string[] args = password is null
                ? [.. target, "--redis", endpoint]
                : [.. target, "--redis", endpoint, "--redis-password", password];
            var refused = Cli.Run(directory.Path, args);
            Assert.Equal(3, refused.ExitCode);
            var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith(password is null ? $"error: Redis at {endpoint} requires a password" : $"error: Redis at {endpoint} refused the credentials", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unreachable_redis_or_no_silo_is_one_clear_line_and_exit_code_3_and_no_connection_setting_is_a_usage_error()
    {
        using var directory = new TemporaryDirectory();
        var endpoint = $"127.0.0.1:{RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}";
        foreach (var command in new[] { "status", "submit", "silo" })
        {
            string[] args = command == "submit" ? [command, directory.Write("guarded.yaml", Sweep), "--redis", endpoint] : [command, "--redis", endpoint];
            var outcome = Cli.Run(directory.Path, args);
            Assert.Equal(3, outcome.ExitCode);
            var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"error: cannot reach Redis at {endpoint}", line, StringComparison.Ordinal);
        }

        var missing = Cli.Run(directory.Path, "status");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("NTKSWEEP_REDIS", missing.Stderr, StringComparison.Ordinal);

        // Redis answers, but no silo has ever joined this cluster.
        var noSilo = Cli.Run(directory.Path, "status", "--redis", secured.Server.Endpoint, "--redis-password", PasswordRedisServer.Password, "--key-prefix", "empty:");
        Assert.Equal(3, noSilo.ExitCode);
        Assert.StartsWith("error: no NtkSweep silo answers on the cluster at", Assert.Single(noSilo.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

}

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ntksweep-redis-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment.
        }
    }
}
