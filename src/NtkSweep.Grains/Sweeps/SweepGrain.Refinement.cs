using Microsoft.Extensions.Logging;
using NtkSweep.Sweeps.Refinement;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Sweeps.Store;

namespace NtkSweep.Grains.Sweeps;

/// <summary>
/// Adaptive refinement, driven as results arrive (state keeps the coarse grid's records only; the refined cells and
/// their runs are re-derived from the store's results after a restart, and a run in flight resumes from its checkpoint): when the last run of a cell finishes, the cell gets its verdict, and
/// every square whose four corners now have verdicts is decided at once; new cells join the plan and the pending queue
/// while the slots go on with whatever else is pending.
/// </summary>
public sealed partial class SweepGrain
{
    private BoundaryRefinement? refinement;
    private readonly HashSet<LatticeCell> cells = [];
    private readonly Dictionary<LatticeCell, CellVerdict> verdicts = [];
    private readonly Dictionary<LatticeCell, List<string>> cellKeys = [];
    private readonly Dictionary<string, LatticeCell> cellOfKey = new(StringComparer.Ordinal);
    private bool refinementDue;
    // True while a refinement step awaits the store: status calls interleave, and must not see the sweep finished.
    private bool extendingRefinement;

    /// <summary>Starts the refinement bookkeeping over the coarse grid that <see cref="Load"/> planned.</summary>
    private void LoadRefinement(NtkSweep.Sweeps.Files.SweepDefinition definition)
    {
        refinement = definition.Refine is null ? null : new BoundaryRefinement(definition);
        cells.Clear();
        verdicts.Clear();
        cellKeys.Clear();
        cellOfKey.Clear();
        if (refinement is null)
        {
            return;
        }

        foreach (var cell in refinement.CoarseCells)
        {
            Track(cell, refinement.Points(cell).Select(point => point.Key));
        }

        refinementDue = true;
    }

    private void Track(LatticeCell cell, IEnumerable<string> keys)
    {
        cells.Add(cell);
        var list = cellKeys[cell] = [.. keys.Distinct(StringComparer.Ordinal)];
        foreach (var key in list)
        {
            cellOfKey.TryAdd(key, cell);
        }
    }

    /// <summary>A run of a refinable sweep finished: its cell may now be complete.</summary>
    private void NoteFinished(string key)
    {
        if (refinement is not null && cellOfKey.TryGetValue(key, out var cell) && !verdicts.ContainsKey(cell))
        {
            refinementDue = true;
        }
    }

    /// <summary>
    /// Judges every complete cell without a verdict, adds the cells the decided squares ask for, and repeats while new
    /// cells turn out complete already (their runs stored by an earlier sweep). Saves the manifest when the plan grew.
    /// </summary>
    private async Task ExtendRefinementAsync()
    {
        if (refinement is null || !refinementDue)
        {
            return;
        }

        extendingRefinement = true;
        try
        {
            await ExtendRefinementCoreAsync();
        }
        finally
        {
            extendingRefinement = false;
        }
    }

    private async Task ExtendRefinementCoreAsync()
    {
        var refinement = this.refinement!;
        refinementDue = false;
        var grew = false;
        while (true)
        {
            var complete = cells
                .Where(cell => !verdicts.ContainsKey(cell) && cellKeys[cell].All(key => state.State.Runs.TryGetValue(key, out var record) && record.State is RunState.Done or RunState.Diverged or RunState.Failed))
                .ToArray();
            if (complete.Length > 0)
            {
                var keys = complete.SelectMany(cell => cellKeys[cell]).ToArray();
                var stored = (await Task.Run(() => store.GetMany(keys))).ToDictionary(run => run.Key, StringComparer.Ordinal);
                foreach (var cell in complete)
                {
                    var runs = cellKeys[cell].Select(key => stored.GetValueOrDefault(key)).OfType<StoredRun>().ToArray();
                    verdicts[cell] = runs.Length == 0 ? new CellVerdict(NtkSweep.Sweeps.Reports.CellRegime.NoData, double.NaN, double.NaN) : BoundaryRefinement.Judge(runs);
                }
            }

            var added = refinement.Refine(cells, verdicts);
            if (added.Count == 0)
            {
                break;
            }

            var newKeys = new List<string>();
            foreach (var cell in added)
            {
                var points = refinement.Points(cell);
                Track(cell, points.Select(point => point.Key));
                foreach (var entry in SweepPlanEntry.FromPoints(points))
                {
                    if (AddToPlan(entry))
                    {
                        newKeys.Add(entry.Key);
                    }
                }
            }

            LogRefined(Name, added.Count, newKeys.Count, added.Max(refinement.LevelOf));
            grew = true;
            await ReconcileWithStoreAsync(newKeys);
        }

        if (grew)
        {
            var manifest = new SweepManifest(Name, state.State.SourceText!, grid.Select(entry => entry.Key).ToArray());
            await Task.Run(() => store.SaveSweepManifest(manifest));
            dirty = true;
        }
    }

    /// <summary>Adds a run to the plan (pending unless its record says otherwise); false when it was planned already.</summary>
    private bool AddToPlan(SweepPlanEntry entry)
    {
        if (plan.ContainsKey(entry.Key))
        {
            return false;
        }

        plan[entry.Key] = entry;
        grid = [.. grid, entry];
        totalCost += entry.Cost;
        if (!state.State.Runs.TryGetValue(entry.Key, out var record))
        {
            record = state.State.Runs[entry.Key] = new SweepRunRecord();
        }

        switch (record.State)
        {
            case RunState.Pending:
                pending.Add(entry);
                break;
            case RunState.Running:
                runningSince[entry.Key] = DateTime.UtcNow;
                break;
            default:
                finishedCost += entry.Cost;
                break;
        }

        dirty = true;
        return true;
    }

    /// <summary>The refinement as report.json and status describe it: levels reached, runs planned, and the uniform grid's.</summary>
    public (int Levels, int Cells, long UniformCells)? RefinementSummary()
    {
        if (refinement is null)
        {
            return null;
        }

        var level = cells.Count == 0 ? 0 : cells.Max(refinement.LevelOf);
        return (level, cells.Count, refinement.UniformCells(level));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: refinement adds {Cells} cells ({Runs} runs), up to level {Level}")]
    private partial void LogRefined(string sweep, int cells, int runs, int level);
}
