using System.Globalization;

namespace NtkSweep.Redis.Tests;

/// <summary>Redis that refuses us or is not there: one clear line and a non-zero exit; workers wait it out.</summary>
public sealed class ConnectionErrorTests(PasswordRedisServer secured) : IClassFixture<PasswordRedisServer>
{
    private const string Sweep = """
        name: guarded
        fixed: {data: luo1d, maxSteps: 100}
        """;

    [Fact]
    public void Wrong_or_missing_password_is_one_clear_line_and_exit_code_3_and_the_right_one_works()
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Write("guarded.yaml", Sweep);
        var endpoint = secured.Server.Endpoint;

        foreach (var password in new[] { "wrong", null })
        {
            string[] args = password is null
                ? ["submit", sweep, "--redis", endpoint]
                : ["submit", sweep, "--redis", endpoint, "--redis-password", password];
            var refused = Cli.Run(directory.Path, args);
            Assert.Equal(3, refused.ExitCode);
            var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith(password is null ? $"error: Redis at {endpoint} requires a password" : $"error: Redis at {endpoint} refused the credentials", line, StringComparison.Ordinal);
        }

        var accepted = Cli.Run(directory.Path, "submit", sweep, "--redis", endpoint, "--redis-password", PasswordRedisServer.Password, "--key-prefix", "pw:");
        Assert.True(accepted.ExitCode == 0, accepted.Stderr);
        Assert.Contains("1 enqueued", accepted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_redis_is_one_clear_line_for_commands_and_a_worker_retries_with_backoff_instead_of_exiting()
    {
        using var directory = new TemporaryDirectory();
        var endpoint = $"127.0.0.1:{RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}";
        foreach (var command in new[] { "status", "submit" })
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

        var healthPort = RedisServer.FreePort().ToString(CultureInfo.InvariantCulture);
        using var worker = new WorkerProcess(directory.Path, ["--redis", endpoint, "--concurrency", "1", "--health-listen", $"http://127.0.0.1:{healthPort}"]);
        Deployment.WaitUntil(() => CountRetries(worker.Output) >= 2, TimeSpan.FromSeconds(20), "the worker to retry twice");
        Assert.False(worker.HasExited, "a worker must not exit because Redis is away");
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}") })
        {
            Assert.Equal("alive\n", await http.GetStringAsync(new Uri("/alive", UriKind.Relative)));
            using var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("cannot reach Redis", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        worker.Terminate();
        Assert.True(worker.WaitForExit(TimeSpan.FromSeconds(10)), "the waiting worker did not stop on SIGTERM");
        Assert.Equal(0, worker.ExitCode);
    }

    [Fact]
    public void A_redis_without_the_stream_commands_is_one_clear_line_and_exit_code_3()
    {
        using var old = new RedisServer("--rename-command", "XAUTOCLAIM", "XAUTOCLAIM-hidden");
        using var directory = new TemporaryDirectory();
        var outcome = Cli.Run(directory.Path, "status", "--redis", old.Endpoint);
        Assert.Equal(3, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: Redis at {old.Endpoint} lacks XAUTOCLAIM/XREADGROUP: the distributed mode needs Redis 6.2 or newer", line);
    }

    private static int CountRetries(string output) =>
        output.Split('\n').Count(line => line.Contains("cannot reach Redis", StringComparison.Ordinal) && line.Contains("retrying in", StringComparison.Ordinal));
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
