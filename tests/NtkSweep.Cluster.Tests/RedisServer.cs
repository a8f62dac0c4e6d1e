using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace NtkSweep.Cluster.Tests;

/// <summary>
/// A real redis-server on a free loopback port with its own temporary directory, started for a test class and
/// killed at its end. A missing redis-server fails the tests with a message saying how to install it.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string[] extraArguments;
    private readonly bool tls;
    private Process? process;

    public RedisServer()
        : this([])
    {
    }

    internal RedisServer(params string[] extraArguments)
        : this(_ => extraArguments, tls: false)
    {
    }

    private RedisServer(Func<int, string[]> extraArgumentsForPort, bool tls)
    {
        Directory = Path.Combine(Path.GetTempPath(), "ntksweep-redis-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort();
        extraArguments = extraArgumentsForPort(Port);
        this.tls = tls;
        Start();
    }

    /// <summary>A server that speaks only TLS on <see cref="Port"/>, with the given PEM certificate, key and CA.</summary>
    internal static RedisServer WithTls(string certificate, string key, string authority) =>
        new(port =>
        [
            "--port", "0",
            "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert-file", certificate,
            "--tls-key-file", key,
            "--tls-ca-cert-file", authority,
            "--tls-auth-clients", "no",
        ], tls: true);

    public string Directory { get; }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public static string Executable
    {
        get
        {
            foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(directory => Path.Combine(directory, "redis-server"))
                .FirstOrDefault(File.Exists);
            return onPath ?? throw new InvalidOperationException(
                "redis-server is not installed: the cluster tests need a real Redis. Run `bash scripts/test.sh` (it installs it) or `apt-get install redis-server`.");
        }
    }

    /// <summary>Kills the server (as a crash would) and starts it again on the same port and directory (AOF replays).</summary>
    public void Restart(TimeSpan downtime)
    {
        Kill();
        Thread.Sleep(downtime);
        Start();
    }

    public ConnectionMultiplexer Connect(string? password = null)
    {
        var options = ConfigurationOptions.Parse(Endpoint);
        options.Password = password;
        var connection = ConnectionMultiplexer.Connect(options);
        return connection;
    }

    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // The server may still be closing its files; the temp directory is cleaned by the OS eventually.
        }
    }

    private void Start()
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no" }.Concat(extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on port {Port}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                if (tls)
                {
                    // Listening is all a TLS port can show without a handshake.
                    return;
                }

                using var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[64];
                var read = stream.Read(buffer);
                var reply = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
                if (reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException)
            {
                // Not listening yet.
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"redis-server did not answer on port {Port} within 10 s");
    }

    private void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>A port nothing listens on right now (the OS hands out an ephemeral one; closed again at once).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>A Redis server that requires a password, for the credential tests.</summary>
public sealed class PasswordRedisServer : IDisposable
{
    public const string Password = "correct-horse";

    public PasswordRedisServer()
    {
        Server = new RedisServer("--requirepass", Password);
    }

    public RedisServer Server { get; }

    public void Dispose() => Server.Dispose();
}
