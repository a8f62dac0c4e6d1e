namespace NtkSweep.Grains;

/// <summary>The names under which hosts register what the grains need.</summary>
public static class StorageNames
{
    /// <summary>The grain storage of run, sweep and registry grains (files in local mode, Redis in a cluster).</summary>
    public const string Grains = "ntksweep";
}
