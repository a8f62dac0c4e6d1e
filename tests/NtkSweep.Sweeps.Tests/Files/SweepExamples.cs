using NtkSweep.Sweeps.Files;

namespace NtkSweep.Sweeps.Tests.Files;

/// <summary>Finds the example sweep files next to these tests, and parses inline sweep text.</summary>
internal static class SweepExamples
{
    public const string InlineFileName = "inline.yaml";

    /// <summary>
    /// The examples live in the source tree (the test project does not copy them to its output), so they are found
    /// by walking up from the test binaries to the solution directory.
    /// </summary>
    public static string PathOf(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NtkSweep.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "NtkSweep.Sweeps.Tests", "Files", "Examples", fileName);
            }
        }

        throw new DirectoryNotFoundException($"No NtkSweep.sln above {AppContext.BaseDirectory}; cannot find example {fileName}.");
    }

    public static SweepDefinition Parse(string yaml) => SweepFileParser.Parse(yaml, InlineFileName);

    /// <summary>Parses text that must be rejected, and returns its problems.</summary>
    public static IReadOnlyList<SweepProblem> ProblemsOf(string yaml) =>
        Assert.Throws<SweepFileException>(() => SweepFileParser.Parse(yaml, InlineFileName)).Problems;
}
