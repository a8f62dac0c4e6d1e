using System.Collections.Concurrent;
using System.Diagnostics;
using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Reports;
using NtkSweep.Sweeps.Reports.Claims;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Runs;

namespace NtkSweep.Sweeps.Tests.Papers;

/// <summary>A reduced paper sweep run for real, in process, with its analysis and checked claims.</summary>
internal sealed record ReducedSweepResult(SweepDefinition Sweep, IReadOnlyList<StoredRun> Runs, PhaseAnalysis Analysis, PaperClaimReport Claims, TimeSpan Elapsed)
{
    public PaperClaim Claim(string id) => Claims.Find(id) ?? throw new InvalidOperationException($"The report has no claim '{id}'.");

    /// <summary>The cell at Luo coordinates (γ′, γ), for sweeps over gamma × gammaPrime.</summary>
    public PhaseCell LuoCell(double gammaPrime, double gamma) =>
        Analysis.Cells.Single(cell => Math.Abs(cell.GammaPrime - gammaPrime) < 1e-9 && Math.Abs(cell.Gamma - gamma) < 1e-9);

    /// <summary>The cell whose axis values read as given (e.g. preset "ntk", weightDecay "0.0001").</summary>
    public PhaseCell Cell(params (string Field, string Text)[] values) =>
        Analysis.Cells.Single(cell => values.All(value => cell.ValueOf(value.Field).Text == value.Text));
}

/// <summary>
/// Runs the committed reduced sweeps in sweeps/reduced/ once per test process (each on the calling thread, one run
/// after another: the test machine's cores are shared) and keeps the results for every test that asks.
/// </summary>
internal static class ReducedSweeps
{
    private static readonly ConcurrentDictionary<string, Lazy<ReducedSweepResult>> Results = new(StringComparer.Ordinal);

    /// <summary>Test classes run in parallel; training one sweep at a time keeps the suite on one core.</summary>
    private static readonly Lock TrainingLock = new();

    public static ReducedSweepResult Get(string name) =>
        Results.GetOrAdd(name, key => new Lazy<ReducedSweepResult>(() => Run(key), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public static string PathOf(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NtkSweep.sln")))
            {
                return Path.Combine(directory.FullName, "sweeps", "reduced", name + ".yaml");
            }
        }

        throw new DirectoryNotFoundException($"No NtkSweep.sln above {AppContext.BaseDirectory}; cannot find sweeps/reduced/{name}.yaml.");
    }

    private static ReducedSweepResult Run(string name)
    {
        var sweep = SweepFileParser.Load(PathOf(name));
        StoredRun[] runs;
        Stopwatch stopwatch;
        lock (TrainingLock)
        {
            stopwatch = Stopwatch.StartNew();
            runs = sweep.Expand().Select(point => StoredRun.FromResult(point.Key, Trainer.Run(point.Spec, KernelFactory.Best))).ToArray();
            stopwatch.Stop();
        }

        var input = new PhaseReportInput
        {
            Title = $"{sweep.Name}: {sweep.Description}",
            Runs = runs,
            Options = ReportOptions.FromHints(sweep.Report),
        };
        var analysis = PhaseAnalyzer.Analyze(input);
        var claims = PaperClaims.Evaluate(analysis) ?? throw new InvalidOperationException($"The report did not recognize the paper of sweep '{sweep.Name}'.");
        return new ReducedSweepResult(sweep, runs, analysis, claims, stopwatch.Elapsed);
    }
}
