using System.Globalization;

namespace NtkSweep.Sweeps.Files;

/// <summary>
/// One thing wrong with a sweep file, located precisely enough for an editor to jump to it.
/// </summary>
/// <param name="File">The file name or path the problem is in, as the caller gave it.</param>
/// <param name="Line">1-based line number; 0 when no line applies (a missing file, a hand-built definition).</param>
/// <param name="Key">
/// The run-spec field the problem concerns (e.g. <c>width</c>) when there is one; otherwise the sweep-file key path
/// (e.g. <c>seeds</c>, <c>report.boundary</c>), or <c>yaml</c> for a syntax error.
/// </param>
/// <param name="Message">What is wrong, in words a user can act on.</param>
public sealed record SweepProblem(string File, int Line, string Key, string Message)
{
    /// <summary>The compiler-style form <c>FILE:LINE: KEY: message</c> that editors and terminals recognize.</summary>
    public override string ToString() =>
        Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}: {Key}: {Message}")
            : $"{File}: {Key}: {Message}";
}
