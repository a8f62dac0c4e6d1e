using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkSweep.Redis;
using NtkSweep.Training.Runs;
using StackExchange.Redis;

namespace NtkSweep.Cluster.Tests;

/// <summary>The real `ntksweep` executable (the built CLI next to the tests) as a child process.</summary>
internal static class Cli
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "ntksweep.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("NTKSWEEP_REDIS");
        return info;
    }

    public static CliOutcome Run(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"ntksweep {string.Join(' ', args)} did not finish within 2 min.");
        }

        return new CliOutcome(process.ExitCode, stdout.Result, stderr.Result);
    }
}

internal sealed record CliOutcome(int ExitCode, string Stdout, string Stderr);

/// <summary>A running long-lived `ntksweep` command (a silo): its output lines as they come, and the signals a test sends it.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    public CliProcess(string workingDirectory, IEnumerable<string> args)
    {
        process = Process.Start(Cli.StartInfo(workingDirectory, args))!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, line) => Add(line.Data);
        process.ErrorDataReceived += (_, line) => Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output => string.Join('\n', lines);

    /// <summary>kill -9: no cleanup, no hand-over, exactly like a crashed node.</summary>
    public void KillHard()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes sends when scaling down.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGSTOP: the process is frozen (alive, not answering), as in a long GC pause or a stuck node.</summary>
    public void Freeze() => Signal("STOP");

    public void Thaw() => Signal("CONT");

    public bool WaitForExit(TimeSpan timeout) => process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Signal("CONT");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }
}

/// <summary>
/// One test's cluster: its own key prefix (so its own Orleans cluster id) on a shared real redis-server, a temporary
/// directory, and the silo processes it starts, each on its own loopback ports.
/// </summary>
internal sealed class Deployment : IDisposable
{
    private readonly List<CliProcess> silos = [];

    public Deployment(RedisServer server, string? prefix = null)
    {
        Server = server;
        Prefix = prefix ?? "t" + Guid.NewGuid().ToString("N")[..8] + ":";
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ntksweep-cluster-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Connection = server.Connect();
        Database = Connection.GetDatabase();
        Keys = new RedisKeys(Prefix);
    }

    public RedisServer Server { get; }

    public string Prefix { get; }

    public string Directory { get; }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database { get; }

    public RedisKeys Keys { get; }

    public string[] RedisArgs => ["--redis", Server.Endpoint, "--key-prefix", Prefix];

    public string WriteSweep(string name, string yaml)
    {
        var path = System.IO.Path.Combine(Directory, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public CliOutcome Cli(params string[] args) => Tests.Cli.Run(Directory, [.. args, .. RedisArgs]);

    /// <summary>Starts `ntksweep silo` on free loopback ports and waits until it has joined the cluster.</summary>
    public CliProcess StartSilo(int slots = 1, string[]? extra = null, bool waitUntilJoined = true)
    {
        var silo = new CliProcess(Directory, [
            "silo", .. RedisArgs,
            "--concurrency", slots.ToString(CultureInfo.InvariantCulture),
            "--silo-port", RedisServer.FreePort().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", RedisServer.FreePort().ToString(CultureInfo.InvariantCulture),
            "--advertise", "127.0.0.1",
            "--checkpoint-seconds", "0.5",
            .. extra ?? []]);
        silos.Add(silo);
        if (waitUntilJoined)
        {
            WaitUntil(() => silo.Output.Contains("Silo started", StringComparison.Ordinal) || silo.HasExited, TimeSpan.FromSeconds(60), "the silo to start");
            Assert.False(silo.HasExited, "the silo exited at start:\n" + silo.Output);
        }

        return silo;
    }

    /// <summary>The stored run records of this deployment.</summary>
    public IReadOnlyDictionary<string, string> Results() =>
        Database.HashGetAll(Keys.Results).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!, StringComparer.Ordinal);

    /// <summary>How many times each run was committed (the store's audit counter).</summary>
    public IReadOnlyDictionary<string, long> Commits() =>
        Database.HashGetAll(Keys.Commits).ToDictionary(entry => (string)entry.Name!, entry => (long)entry.Value, StringComparer.Ordinal);

    public void WaitForResults(int count, TimeSpan timeout) =>
        WaitUntil(() => Database.HashLength(Keys.Results) >= count, timeout, $"{count} stored runs (have {Database.HashLength(Keys.Results)}); silos:\n{SiloOutput()}");

    /// <summary>`status NAME --json` of the sweep, parsed.</summary>
    public JsonNode Status(string sweep)
    {
        var outcome = Cli("status", sweep, "--json");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        return JsonNode.Parse(outcome.Stdout)!["sweeps"]![0]!;
    }

    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            }

            Thread.Sleep(50);
        }
    }

    public string SiloOutput() => string.Join("\n---\n", silos.Select(silo => silo.Output));

    public void Dispose()
    {
        foreach (var silo in silos)
        {
            silo.Dispose();
        }

        Connection.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment.
        }
    }
}

/// <summary>Results compared bit for bit without the fields that measure time.</summary>
internal static class Comparable
{
    public static string Result(RunResult result) => RunResultJson.Write(result with { WallSeconds = 0, StepsPerSecond = 0, MetricSeconds = 0 });

    /// <summary>report.json without timing fields, the only things two identical sweeps may differ in.</summary>
    public static string Report(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        Strip(node);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

        static void Strip(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var name in obj.Select(pair => pair.Key).ToArray())
                    {
                        if (name is "generatedAt" || name.Contains("Seconds", StringComparison.Ordinal) || name.Contains("PerSecond", StringComparison.Ordinal))
                        {
                            obj.Remove(name);
                        }
                        else
                        {
                            Strip(obj[name]);
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Strip(item);
                    }

                    break;
            }
        }
    }
}
