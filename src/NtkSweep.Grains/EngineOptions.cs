using System.ComponentModel.DataAnnotations;
using NtkSweep.Training.Kernels;

namespace NtkSweep.Grains;

/// <summary>How a silo trains and how sweeps hand out work. Bound from the <see cref="SectionName"/> section.</summary>
public sealed class EngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>Training slots on this silo: runs trained at once, each on one thread (default: one per core).</summary>
    [Range(1, 1024)]
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>The kernel path of every run trained here; null picks the fastest the CPU supports.</summary>
    public KernelPath? Kernel { get; set; }

    /// <summary>Attempts (failures or dead silos) after which a run is stored as failed with its last error.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Least seconds between two checkpoints of a run; a run shorter than this never writes one.</summary>
    [Range(0.0, 86400.0)]
    public double CheckpointSeconds { get; set; } = 5;

    /// <summary>Accepted steps between the points where a checkpoint may be taken.</summary>
    [Range(1, 1_000_000_000)]
    public int CheckpointSteps { get; set; } = 500;

    /// <summary>
    /// Estimated seconds of work a slot takes per call: runs of a few milliseconds come in batches so that messaging
    /// stays a small share of the time; a run longer than this comes alone.
    /// </summary>
    [Range(0.0, 3600.0)]
    public double BatchSeconds { get; set; } = 0.25;

    /// <summary>How long an idle slot waits before it asks for work again.</summary>
    [Range(0.01, 60.0)]
    public double PollSeconds { get; set; } = 0.25;

    /// <summary>How often a sweep grain checks whether the silos running its runs are still alive.</summary>
    [Range(0.1, 600.0)]
    public double OrphanCheckSeconds { get; set; } = 1;
}
