namespace NtkSweep.Training.Specs;

/// <summary>"Did you mean" for names a user typed: the closest candidate by case-insensitive edit distance, if close.</summary>
public static class NearMiss
{
    /// <summary>The candidate within two edits (and half the length) of <paramref name="given"/>, else null.</summary>
    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = string.Equals(candidate, given, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(given, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best is not null && bestDistance <= Math.Min(2, given.Length / 2) ? best : null;
    }

    /// <summary>Levenshtein distance, ignoring case.</summary>
    public static int EditDistance(string first, string second)
    {
        var previous = new int[second.Length + 1];
        var current = new int[second.Length + 1];
        for (var j = 0; j <= second.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= first.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= second.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToLowerInvariant(first[i - 1]) == char.ToLowerInvariant(second[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[second.Length];
    }
}
