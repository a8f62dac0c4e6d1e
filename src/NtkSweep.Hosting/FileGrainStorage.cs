using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;
using Orleans.Storage;

namespace NtkSweep.Hosting;

/// <summary>
/// Grain state as files inside the local store (STORE/grains/STATE/ab/HASH.json), so that a laptop sweep killed with
/// kill -9 resumes its in-flight runs from their checkpoints. Each write goes to a temporary file, is flushed to disk
/// and renamed into place. The ETag is a counter kept in the file: a write whose ETag does not match what is on disk
/// throws <see cref="InconsistentStateException"/>, as Orleans' own providers do.
/// </summary>
public sealed class FileGrainStorage(string directory, IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly string root = Path.GetFullPath(directory);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        var (etag, payload) = ReadFile(path);
        grainState.State = serializer.Deserialize<T>(new BinaryData(payload))!;
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var onDisk = File.Exists(path) ? ReadFile(path).ETag : null;
        if (!string.Equals(onDisk, grainState.ETag, StringComparison.Ordinal))
        {
            throw new InconsistentStateException($"grain state {stateName} of {grainId} changed on disk", onDisk ?? "(none)", grainState.ETag ?? "(none)");
        }

        var etag = (long.TryParse(onDisk, out var previous) ? previous + 1 : 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var payload = serializer.Serialize(grainState.State).ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            var header = Encoding.ASCII.GetBytes(etag + "\n");
            stream.Write(header);
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var onDisk = File.Exists(path) ? ReadFile(path).ETag : null;
        if (onDisk is not null && !string.Equals(onDisk, grainState.ETag, StringComparison.Ordinal))
        {
            throw new InconsistentStateException($"grain state {stateName} of {grainId} changed on disk", onDisk, grainState.ETag ?? "(none)");
        }

        File.Delete(path);
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(grainId.ToString())).AsSpan(0, 16));
        return Path.Combine(root, stateName, hash[..2], hash + ".json");
    }

    private static (string ETag, byte[] Payload) ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException($"grain state file {path} has no header");
        }

        return (Encoding.ASCII.GetString(bytes, 0, newline), bytes[(newline + 1)..]);
    }
}
