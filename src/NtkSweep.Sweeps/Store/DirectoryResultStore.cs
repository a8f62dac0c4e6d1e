using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NtkSweep.Sweeps.Runs;
using NtkSweep.Training.Runs;
using NtkSweep.Training.Specs;

namespace NtkSweep.Sweeps.Store;

/// <summary>
/// The embedded default store: one JSON file per run under DIR/runs/ab/KEY.json. A record is written to a temporary
/// file, flushed to disk, then renamed over its final name, so a reader sees either the whole record or none; a
/// record that is unreadable anyway (a disk that lied, a hand edit) is moved aside and its run is redone.
/// </summary>
public sealed class DirectoryResultStore : IResultStore
{
    private readonly string runsDirectory;
    private readonly string sweepsDirectory;
    private readonly ILogger logger;

    public DirectoryResultStore(string directory, ILogger? logger = null)
    {
        Directory = Path.GetFullPath(directory);
        runsDirectory = Path.Combine(Directory, "runs");
        sweepsDirectory = Path.Combine(Directory, "sweeps");
        System.IO.Directory.CreateDirectory(runsDirectory);
        System.IO.Directory.CreateDirectory(sweepsDirectory);
        this.logger = logger ?? NullLogger.Instance;
    }

    public string Directory { get; }

    public string Location => Directory;

    public StoredRun? TryGet(string key)
    {
        var path = RecordPath(key);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            return StoredRunJson.Parse(text, key);
        }
        catch (InvalidDataException error)
        {
            var aside = path + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
            TryMove(path, aside);
            logger.LogWarning("Run {RunId}: stored record is unreadable ({Reason}); moved it to {Path} and the run will be redone", key, error.Message, aside);
            return null;
        }
    }

    public IReadOnlyList<StoredRun> GetMany(IReadOnlyCollection<string> keys) =>
        keys.Select(TryGet).OfType<StoredRun>().ToArray();

    public bool TryCommit(StoredRun run)
    {
        if (!run.IsFinished)
        {
            throw new ArgumentException("only a finished run is committed", nameof(run));
        }

        var path = RecordPath(run.Key);
        if (TryGet(run.Key) is { State: RunState.Failed })
        {
            WriteAtomically(path, StoredRunJson.Write(run));
            return true;
        }

        return WriteAtomically(path, StoredRunJson.Write(run), overwrite: false);
    }

    public void PutResult(string key, RunResult result) => Write(StoredRun.FromResult(key, result));

    public void PutFailure(string key, RunSpec spec, string error) => Write(StoredRun.FromError(key, spec, error));

    public void ForgetFailure(string key)
    {
        if (TryGet(key) is { State: RunState.Failed })
        {
            File.Delete(RecordPath(key));
        }
    }

    public IReadOnlyList<StoredRun> ReadAll()
    {
        var runs = new List<StoredRun>();
        foreach (var file in System.IO.Directory.EnumerateFiles(runsDirectory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var key = Path.GetFileNameWithoutExtension(file);
            if (TryGet(key) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs;
    }

    public void SaveSweepManifest(SweepManifest manifest)
    {
        var json = SweepManifestJson.Write(manifest, indented: true);
        _ = WriteAtomically(Path.Combine(sweepsDirectory, manifest.Name + ".json"), json);
    }

    public IReadOnlyList<SweepManifest> ReadSweepManifests()
    {
        var manifests = new List<SweepManifest>();
        foreach (var file in System.IO.Directory.EnumerateFiles(sweepsDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                if (SweepManifestJson.Parse(File.ReadAllText(file)) is { } parsed)
                {
                    manifests.Add(parsed);
                }
            }
            catch (JsonException error)
            {
                logger.LogWarning("Sweep manifest {Path} is unreadable: {Reason}", file, error.Message);
            }
        }

        return manifests;
    }

    public void DeleteSweep(string name, IReadOnlyCollection<string> keys)
    {
        foreach (var key in keys)
        {
            File.Delete(RecordPath(key));
        }

        File.Delete(Path.Combine(sweepsDirectory, name + ".json"));
    }

    private void Write(StoredRun run) => _ = WriteAtomically(RecordPath(run.Key), StoredRunJson.Write(run));

    private string RecordPath(string key)
    {
        if (key.Length < 2 || key.Any(c => !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"'{key}' is not a run key.", nameof(key));
        }

        return Path.Combine(runsDirectory, key[..2], key + ".json");
    }

    /// <summary>Writes a temporary file, flushes it to disk and renames it into place; false when it exists and must not be replaced.</summary>
    private static bool WriteAtomically(string path, string text, bool overwrite = true)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        if (overwrite)
        {
            File.Move(temporary, path, overwrite: true);
            return true;
        }

        try
        {
            // Without overwrite, .NET moves with link() + unlink() on Unix: atomic, and refused when the name exists.
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }

    private static void TryMove(string from, string to)
    {
        try
        {
            File.Move(from, to, overwrite: true);
        }
        catch (IOException)
        {
            // Another process moved or replaced it first; either way the bad record is gone from its place.
        }
    }
}
