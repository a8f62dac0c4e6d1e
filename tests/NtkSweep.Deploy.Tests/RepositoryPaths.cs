namespace NtkSweep.Deploy.Tests;

/// <summary>Finds the repository the tests were built from (the folder holding NtkSweep.sln).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NtkSweep.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No NtkSweep.sln above {AppContext.BaseDirectory}.");
    }
}
