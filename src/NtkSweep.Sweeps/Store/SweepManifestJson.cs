using System.Text.Json;
using System.Text.Json.Serialization;

namespace NtkSweep.Sweeps.Store;

/// <summary>
/// The one JSON form of a <see cref="SweepManifest"/> ({"name", "sourceText", "keys"}), for a directory store's
/// sweeps/NAME.json (indented, for people) and a Redis store's manifest key (compact: a key per run, in memory).
/// Source-generated System.Text.Json.
/// </summary>
public static class SweepManifestJson
{
    private static readonly StoreJson Compact = new(new JsonSerializerOptions(StoreJson.Default.Options) { WriteIndented = false });

    public static string Write(SweepManifest manifest, bool indented) =>
        JsonSerializer.Serialize(manifest, (indented ? StoreJson.Default : Compact).SweepManifest);

    /// <summary>The manifest, or null for a JSON null; throws <see cref="JsonException"/> when the text is not one.</summary>
    public static SweepManifest? Parse(string json) => JsonSerializer.Deserialize(json, StoreJson.Default.SweepManifest);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SweepManifest))]
internal sealed partial class StoreJson : JsonSerializerContext;
