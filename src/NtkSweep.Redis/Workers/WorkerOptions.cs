namespace NtkSweep.Redis.Workers;

/// <summary>
/// Worker settings besides the connection, bound from the <see cref="SectionName"/> configuration section
/// (NTKSWEEP_WORKER__CONCURRENCY, NTKSWEEP_WORKER__HEALTHLISTEN).
/// </summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Worker";

    /// <summary>Runs trained at once, each on its own thread (default: one per core).</summary>
    public int Concurrency { get; set; } = Environment.ProcessorCount;

    /// <summary>Where to serve /alive and /health over HTTP (e.g. http://0.0.0.0:8081 for probes); none when empty.</summary>
    public string? HealthListen { get; set; }
}
