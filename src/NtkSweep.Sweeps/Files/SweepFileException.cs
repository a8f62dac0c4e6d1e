namespace NtkSweep.Sweeps.Files;

/// <summary>
/// A sweep file that cannot be used. Carries every problem found, not just the first, so that a user can fix a
/// file in one pass; the message lists them one per line as <c>FILE:LINE: KEY: message</c>.
/// </summary>
public sealed class SweepFileException : Exception
{
    public SweepFileException(IReadOnlyList<SweepProblem> problems)
        : base(FormatMessage(problems))
    {
        Problems = problems;
    }

    public SweepFileException()
        : this("Invalid sweep file.")
    {
    }

    public SweepFileException(string message)
        : base(message)
    {
        Problems = [];
    }

    public SweepFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [];
    }

    /// <summary>The problems in file order (by line), each reported once.</summary>
    public IReadOnlyList<SweepProblem> Problems { get; }

    private static string FormatMessage(IReadOnlyList<SweepProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 0
            ? "Invalid sweep file."
            : string.Join('\n', problems.Select(problem => problem.ToString()));
    }
}
