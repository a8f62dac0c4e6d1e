namespace NtkSweep.Sweeps.Files;

/// <summary>
/// Reads sweep files (YAML): checks the whole file, including every run it expands to, and reports every problem
/// at once with its file, line and key, so that a sweep never starts only to fail at its hundredth run.
/// </summary>
public static class SweepFileParser
{
    /// <summary>
    /// The most runs one sweep file may expand to (before identical runs are merged): a guard against a typo such
    /// as <c>seeds: 1000000</c> turning into an effectively endless sweep. Larger studies are several files.
    /// </summary>
    public const long MaxRuns = 1_000_000;

    /// <summary>Reads and validates the sweep file at <paramref name="path"/>.</summary>
    /// <exception cref="SweepFileException">The file is missing, unreadable or has problems.</exception>
    public static SweepDefinition Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Unreadable(path, $"no such sweep file ({Path.GetFullPath(path)})");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, $"cannot read the sweep file: {error.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses and validates sweep-file text; <paramref name="fileName"/> is used in problem reports.</summary>
    /// <exception cref="SweepFileException">The text has problems.</exception>
    public static SweepDefinition Parse(string yamlText, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(fileName);
        return new SweepFileReader(fileName).Read(yamlText);
    }

    private static SweepFileException Unreadable(string path, string message) =>
        new([new SweepProblem(path, 0, "file", message)]);
}
