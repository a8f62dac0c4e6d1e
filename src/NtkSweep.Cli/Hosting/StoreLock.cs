using System.Text;

namespace NtkSweep.Cli.Hosting;

/// <summary>
/// One `run` per store at a time: an exclusive lock on STORE/.lock (an advisory flock on Unix, released by the
/// kernel when the process dies, so kill -9 never leaves a stale lock). A second `run` (or an `export` into it) on the
/// same store is refused.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream stream;

    private StoreLock(FileStream stream) => this.stream = stream;

    public static StoreLock Acquire(string storeDirectory, string option = "--store")
    {
        var path = Path.Combine(storeDirectory, ".lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            stream.Flush();
            return new StoreLock(stream);
        }
        catch (IOException)
        {
            var holder = TryReadHolder(path);
            throw new UsageException($"{option}: '{storeDirectory}' is in use by another ntksweep run{(holder is null ? string.Empty : $" (pid {holder})")}; wait for it or use another store");
        }
    }

    public void Dispose() => stream.Dispose();

    private static string? TryReadHolder(string path)
    {
        try
        {
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            return text.ReadLine()?.Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
