using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NtkSweep.Cli.Tests.Commands;

public sealed class RunCommandTests
{
    private static string ResumeSweep => Path.Combine(AppContext.BaseDirectory, "Sweeps", "resume-test.yaml");

    private static int StoredRecords(string store) =>
        Directory.Exists(Path.Combine(store, "runs"))
            ? Directory.EnumerateFiles(Path.Combine(store, "runs"), "*.json", SearchOption.AllDirectories).Count()
            : 0;

    [Fact]
    public void KilledMidSweep_ThenRerun_RunsOnlyTheMissingRuns_AndReportsLikeAnUninterruptedSweep()
    {
        using var directory = new TemporaryDirectory();
        var interruptedStore = directory.Combine("interrupted");
        var cleanStore = directory.Combine("clean");

        using (var process = Process.Start(CliProcess.StartInfo(directory.Path, "run", ResumeSweep, "--store", interruptedStore, "--workers", "1"))!)
        {
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            while (StoredRecords(interruptedStore) < 3 && !process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(20);
            }

            Assert.False(process.HasExited, "the sweep finished before the test could interrupt it");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var storedAtKill = StoredRecords(interruptedStore);
        Assert.InRange(storedAtKill, 3, 17);

        var resumed = CliProcess.Run(directory.Path, "run", ResumeSweep, "--store", interruptedStore, "--workers", "2");
        Assert.Equal(0, resumed.ExitCode);
        Assert.Contains($"{storedAtKill} already in", resumed.Stdout + resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(18, StoredRecords(interruptedStore));

        var clean = CliProcess.Run(directory.Path, "run", ResumeSweep, "--store", cleanStore, "--workers", "2");
        Assert.Equal(0, clean.ExitCode);

        var interruptedReport = ComparableReport(Path.Combine(interruptedStore, "report", "report.json"));
        var cleanReport = ComparableReport(Path.Combine(cleanStore, "report", "report.json"));
        Assert.Equal(cleanReport, interruptedReport);
    }

    [Fact]
    public async Task CtrlC_StopsCleanly_KeepsFinishedRuns_AndTheRerunFinishesTheSweep()
    {
        using var directory = new TemporaryDirectory();
        var store = directory.Combine("store");
        int storedAtInterrupt;
        using (var process = Process.Start(CliProcess.StartInfo(directory.Path, "run", ResumeSweep, "--store", store, "--workers", "1"))!)
        {
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var deadline = Stopwatch.StartNew();
            while (StoredRecords(store) < 2 && !process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                Thread.Sleep(20);
            }

            Assert.False(process.HasExited, "the sweep finished before the test could interrupt it");
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "ntksweep did not stop within 30 s of SIGINT");
            Assert.Equal(130, process.ExitCode);
            Assert.Contains("Run the same command again", await stdout + await stderr, StringComparison.Ordinal);
            storedAtInterrupt = StoredRecords(store);
        }

        Assert.InRange(storedAtInterrupt, 2, 17);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store, "runs"), "*.tmp-*", SearchOption.AllDirectories));
        var rerun = CliProcess.Run(directory.Path, "run", ResumeSweep, "--store", store, "--workers", "2");
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains($"{storedAtInterrupt} already in", rerun.Stdout + rerun.Stderr, StringComparison.Ordinal);
        Assert.Equal(18, StoredRecords(store));
    }

    [Fact]
    public void CorruptResultFile_IsRedone_NotReadAsData()
    {
        using var directory = new TemporaryDirectory();
        var store = directory.Combine("store");
        var sweep = directory.Combine("tiny.yaml");
        File.WriteAllText(sweep, """
            name: tiny
            fixed:
              data: luo1d
              antisymmetric: true
              maxSteps: 200
            axes:
              width: [16, 32]
            """);
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", sweep, "--store", store, "--workers", "1").ExitCode);
        var records = Directory.EnumerateFiles(Path.Combine(store, "runs"), "*.json", SearchOption.AllDirectories).Order().ToArray();
        Assert.Equal(2, records.Length);
        var original = File.ReadAllText(records[0]);
        File.WriteAllText(records[0], original[..(original.Length / 2)]);

        var rerun = CliProcess.Run(directory.Path, "run", sweep, "--store", store, "--workers", "1");

        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains("1 already in", rerun.Stdout + rerun.Stderr, StringComparison.Ordinal);
        Assert.Equal(TrainCommandTests.StripTimings(ResultOf(original)), TrainCommandTests.StripTimings(ResultOf(File.ReadAllText(records[0]))));
        Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(records[0])!, "*.corrupt-*"));
    }

    [Fact]
    public void KilledDuringALongRun_TheRerunResumesItFromItsCheckpoint_AndTheResultEqualsAnUninterruptedRun()
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Combine("long.yaml");
        File.WriteAllText(sweep, """
            name: long
            fixed: {data: luo1d, antisymmetric: true, maxSteps: 6000000, lossTolerance: 0, width: 64}
            """);
        var store = directory.Combine("store");
        using (var process = Process.Start(CliProcess.StartInfo(directory.Path, "run", sweep, "--store", store, "--workers", "1", "--checkpoint-seconds", "0.5"))!)
        {
            process.StandardInput.Close();
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            var runStates = Path.Combine(store, "grains", "run");
            var deadline = Stopwatch.StartNew();
            while (!(Directory.Exists(runStates) && Directory.EnumerateFiles(runStates, "*.json", SearchOption.AllDirectories).Any()) && !process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(1))
            {
                Thread.Sleep(20);
            }

            Thread.Sleep(1000);
            Assert.False(process.HasExited, "the run finished before the test could kill it");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        Assert.Equal(0, StoredRecords(store));
        var resumed = CliProcess.Run(directory.Path, "run", sweep, "--store", store, "--workers", "1");
        Assert.Equal(0, resumed.ExitCode);
        var log = string.Join('\n', Directory.EnumerateFiles(Path.Combine(store, "logs")).Select(File.ReadAllText));
        Assert.Contains("resumes from its checkpoint at step", log, StringComparison.Ordinal);

        var clean = directory.Combine("clean");
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", sweep, "--store", clean, "--workers", "1").ExitCode);
        var resumedRecord = Directory.EnumerateFiles(Path.Combine(store, "runs"), "*.json", SearchOption.AllDirectories).Single();
        var cleanRecord = Directory.EnumerateFiles(Path.Combine(clean, "runs"), "*.json", SearchOption.AllDirectories).Single();
        Assert.Equal(TrainCommandTests.StripTimings(ResultOf(File.ReadAllText(cleanRecord))), TrainCommandTests.StripTimings(ResultOf(File.ReadAllText(resumedRecord))));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(store, "grains", "run"), "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public void ASecondRunOnTheSameStore_IsRefusedWithOneLine_WhileTheFirstGoesOn()
    {
        using var directory = new TemporaryDirectory();
        var store = directory.Combine("store");
        using var first = Process.Start(CliProcess.StartInfo(directory.Path, "run", ResumeSweep, "--store", store, "--workers", "1"))!;
        first.StandardInput.Close();
        _ = first.StandardOutput.ReadToEndAsync();
        _ = first.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (StoredRecords(store) < 1 && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            Thread.Sleep(20);
        }

        var second = CliProcess.Run(directory.Path, "run", ResumeSweep, "--store", store, "--workers", "1");
        Assert.Equal(2, second.ExitCode);
        var line = Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--store:", line, StringComparison.Ordinal);
        Assert.Contains("in use by another ntksweep run", line, StringComparison.Ordinal);
        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(18, StoredRecords(store));
    }

    [Theory]
    [InlineData("--store", "")]
    [InlineData("--store", "sub")]
    [InlineData("--report", "")]
    public void StoreOrReportPathThatIsAFile_IsOneLineNamingTheOption_ExitTwo(string option, string below)
    {
        using var directory = new TemporaryDirectory();
        var file = directory.Combine("a-file");
        File.WriteAllText(file, "not a directory");
        var target = below.Length == 0 ? file : Path.Combine(file, below);
        string[] args = option == "--store" ? ["run", ResumeSweep, "--store", target] : ["run", ResumeSweep, "--store", directory.Combine("store"), "--report", target];

        var outcome = CliProcess.Run(directory.Path, args);

        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", outcome.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: bad\naxes:\n  width: [abc]\n", 3, "width")]
    [InlineData("name: bad\nfixed:\n  widht: 10\n", 3, "widht")]
    [InlineData("name: bad\naxes:\n  width: []\n", 3, "width")]
    [InlineData("name: bad\nfixed:\n  width: -3\n", 3, "width")]
    public void BadSweepFile_NamesFileLineAndKey_ExitsWithTwo_AndWritesNothing(string yaml, int line, string key)
    {
        using var directory = new TemporaryDirectory();
        var sweep = directory.Combine("bad.yaml");
        var store = directory.Combine("store");
        File.WriteAllText(sweep, yaml);

        var outcome = CliProcess.Run(directory.Path, "run", sweep, "--store", store);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Contains($"bad.yaml:{line}: {key}", outcome.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(store), "a bad sweep file must not create its store");
    }

    [Fact]
    public void ReportOutThatIsAFile_IsOneLineNamingTheOption_ExitTwo_AndWritesNothing()
    {
        using var directory = new TemporaryDirectory();
        var store = directory.Combine("store");
        var sweep = directory.Combine("tiny.yaml");
        File.WriteAllText(sweep, "name: tiny\nfixed: {data: luo1d, maxSteps: 50, width: 8}\n");
        Assert.Equal(0, CliProcess.Run(directory.Path, "run", sweep, "--store", store, "--workers", "1").ExitCode);
        var file = directory.Combine("a-file");
        File.WriteAllText(file, "not a directory");

        var outcome = CliProcess.Run(directory.Path, "report", store, "--out", file);

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith("error: --out: ", Assert.Single(outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal("not a directory", File.ReadAllText(file));
    }

    private static string ResultOf(string record) => JsonNode.Parse(record)!["result"]!.ToJsonString();

    /// <summary>report.json without timing fields, which are the only things two identical sweeps may differ in.</summary>
    private static string ComparableReport(string path)
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
                        if (name is "wallSeconds" or "stepsPerSecond" or "generatedAt" || name.Contains("Seconds", StringComparison.Ordinal))
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
