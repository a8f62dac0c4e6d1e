using StackExchange.Redis;

namespace NtkSweep.Redis;

/// <summary>The result store's keys, all under one prefix so that several deployments can share one Redis.</summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>Hash: run key → StoredRunJson record.</summary>
    public RedisKey Results => Prefix + "results";

    /// <summary>Hash: run key → how many times its result was committed (an audit: exactly once means 1).</summary>
    public RedisKey Commits => Prefix + "commits";

    /// <summary>Set of sweep names with a manifest.</summary>
    public RedisKey Sweeps => Prefix + "sweeps";

    public RedisKey Manifest(string sweep) => Prefix + "manifest:" + sweep;

    /// <summary>Hash: where and when a sweep was last exported (`ntksweep export`), which `delete` checks.</summary>
    public RedisKey Exported(string sweep) => Prefix + "exported:" + sweep;

    /// <summary>The prefix of the Orleans grain-state keys.</summary>
    public string GrainState => Prefix + "grain:";
}
