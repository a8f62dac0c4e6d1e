using NtkSweep.Sweeps.Files;
using NtkSweep.Sweeps.Runs;

namespace NtkSweep.Grains.Sweeps;

/// <summary>A run of the expanded grid as the sweep grain hands it out: key, canonical spec, estimated cost, label.</summary>
internal sealed record SweepPlanEntry(string Key, string SpecJson, double Cost, string Label)
{
    public static IReadOnlyList<SweepPlanEntry> Expand(SweepDefinition definition) => FromPoints(definition.Expand());

    /// <summary>Entries of the given points, each key once.</summary>
    public static IReadOnlyList<SweepPlanEntry> FromPoints(IEnumerable<SweepPoint> points)
    {
        var entries = new List<SweepPlanEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            if (seen.Add(point.Key))
            {
                var spec = point.Spec;
                entries.Add(new SweepPlanEntry(point.Key, spec.ToCanonicalJson(), RunCost.EstimateFlops(spec), $"{spec.Parametrization.Label}, m={spec.Width}, seed {spec.Seed}"));
            }
        }

        return entries;
    }
}

/// <summary>
/// Pending runs, most expensive first (ties by key, so every silo and every replay hands them out in the same order).
/// </summary>
internal sealed class PendingQueue
{
    private readonly SortedSet<(double NegativeCost, string Key)> entries = new();

    public int Count => entries.Count;

    public void Add(SweepPlanEntry entry) => entries.Add((-entry.Cost, entry.Key));

    public void Remove(SweepPlanEntry entry) => entries.Remove((-entry.Cost, entry.Key));

    public bool TryTake(out string key)
    {
        if (entries.Count == 0)
        {
            key = string.Empty;
            return false;
        }

        var first = entries.Min;
        entries.Remove(first);
        key = first.Key;
        return true;
    }

    public void Clear() => entries.Clear();
}
