using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NtkSweep.Redis.Queue;
using NtkSweep.Redis.Status;
using NtkSweep.Training.Runs;
using StackExchange.Redis;

namespace NtkSweep.Redis.Tests;

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

/// <summary>A running long-lived `ntksweep` command (worker, coordinator): its output lines as they come, and the signals a test sends it.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    public WorkerProcess(string workingDirectory, IEnumerable<string> args, string command = "worker", int? healthPort = null)
    {
        HealthPort = healthPort;
        process = Process.Start(Cli.StartInfo(workingDirectory, [command, .. args]))!;
        process.StandardInput.Close();
        process.OutputDataReceived += (_, line) => Add(line.Data);
        process.ErrorDataReceived += (_, line) => Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    /// <summary>The port of the worker's /alive and /health endpoints, when it serves them.</summary>
    public int? HealthPort { get; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output => string.Join('\n', lines);

    /// <summary>kill -9: no cleanup, no release, exactly like a crashed node.</summary>
    public void KillHard()
    {
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as Kubernetes sends when scaling down.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public bool WaitForExit(TimeSpan timeout) => process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }
}

/// <summary>One test's isolated corner of a Redis server (its own key prefix) and temporary directory.</summary>
internal sealed class Deployment : IDisposable
{
    private readonly List<WorkerProcess> workers = [];

    public Deployment(RedisServer server)
    {
        Server = server;
        Prefix = "t" + Guid.NewGuid().ToString("N")[..10] + ":";
        Directory = Path.Combine(Path.GetTempPath(), "ntksweep-redis-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Connection = server.Connect();
        Database = Connection.GetDatabase();
        Keys = new RedisKeys(Prefix);
        Store = new RedisResultStore(Database, Keys, server.Endpoint);
        Status = new SweepStatusReader(Database, Keys, Store);
    }

    public RedisServer Server { get; }

    public string Prefix { get; }

    public string Directory { get; }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database { get; }

    public RedisKeys Keys { get; }

    public RedisResultStore Store { get; }

    public SweepStatusReader Status { get; }

    public string[] RedisArgs => ["--redis", Server.Endpoint, "--key-prefix", Prefix];

    public string WriteSweep(string name, string yaml)
    {
        var path = Path.Combine(Directory, name + ".yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    public CliOutcome Cli(params string[] args) => Tests.Cli.Run(Directory, [.. args, .. RedisArgs]);

    public WorkerProcess StartWorker(double leaseSeconds, int checkpointSteps, int maxAttempts = 3, int concurrency = 1, int? healthPort = null)
    {
        string[] health = healthPort is { } port ? ["--health-listen", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"] : [];
        var worker = new WorkerProcess(Directory,
        [
            .. health,
            .. RedisArgs,
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--lease-seconds", leaseSeconds.ToString(CultureInfo.InvariantCulture),
            "--checkpoint-steps", checkpointSteps.ToString(CultureInfo.InvariantCulture),
            "--max-attempts", maxAttempts.ToString(CultureInfo.InvariantCulture),
            "--poll-seconds", "0.1",
        ], healthPort: healthPort);
        workers.Add(worker);
        return worker;
    }

    /// <summary>Waits until the sweep has no pending or running run; fails with the workers' output otherwise.</summary>
    public SweepStatus WaitFinished(string sweep, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        SweepStatus? status = null;
        while (deadline.Elapsed < timeout)
        {
            try
            {
                status = Status.Read(sweep);
            }
            catch (Exception error) when (error is RedisConnectionException or RedisTimeoutException)
            {
                // Redis is restarting in some tests; ask again.
            }

            if (status is { Finished: true })
            {
                return status;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"sweep {sweep} did not finish within {timeout}: {Describe(status)}\n{WorkerOutput()}");
    }

    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout} waiting for {what}");
            }

            Thread.Sleep(20);
        }
    }

    public string WorkerOutput() => string.Join("\n---\n", workers.Select(worker => worker.Output));

    public string? RunField(string runKey, string field) => Database.HashGet(Keys.Run(runKey), field);

    public void Dispose()
    {
        foreach (var worker in workers)
        {
            worker.Dispose();
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

    private static string Describe(SweepStatus? status) => status is null
        ? "no status"
        : $"{status.Done} done, {status.Diverged} diverged, {status.Failed} failed, {status.Running} running, {status.Pending} pending";
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
