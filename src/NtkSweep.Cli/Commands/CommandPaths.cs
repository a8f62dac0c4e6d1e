namespace NtkSweep.Cli.Commands;

/// <summary>Checks a directory option before anything is written: it must be (or become) a directory we can write.</summary>
internal static class CommandPaths
{
    public static string Directory(string path, string option, bool create = true)
    {
        var full = Path.GetFullPath(path);
        for (var probe = full; !string.IsNullOrEmpty(probe); probe = Path.GetDirectoryName(probe))
        {
            if (File.Exists(probe))
            {
                throw new UsageException(probe == full
                    ? $"{option}: '{full}' is a file, not a directory"
                    : $"{option}: '{full}' cannot be a directory: '{probe}' is a file");
            }

            if (System.IO.Directory.Exists(probe))
            {
                break;
            }
        }

        if (create)
        {
            try
            {
                System.IO.Directory.CreateDirectory(full);
                var probeFile = Path.Combine(full, $".write-test-{Environment.ProcessId}");
                File.WriteAllText(probeFile, string.Empty);
                File.Delete(probeFile);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"{option}: cannot write to '{full}' ({error.Message})");
            }
        }

        return full;
    }
}
