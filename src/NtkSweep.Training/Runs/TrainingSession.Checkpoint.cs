using System.Diagnostics;
using System.Numerics.Tensors;
using NtkSweep.Training.Kernels;
using NtkSweep.Training.Linear;
using NtkSweep.Training.Metrics;
using NtkSweep.Training.Random;
using NtkSweep.Training.Specs;

namespace NtkSweep.Training.Runs;

/// <summary>The checkpoint codec: the whole mutable state after an accepted step, in a versioned binary form.</summary>
public sealed partial class TrainingSession
{
    /// <summary>
    /// The whole mutable state of the run after its last accepted step: parameters, step-size rule, linearized model,
    /// loss curve. Everything else is rebuilt from the spec, so resuming from a checkpoint gives a result bit-identical
    /// to the uninterrupted run on the same kernel path.
    /// </summary>
    public byte[] CaptureCheckpoint()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(CheckpointMagic);
            writer.Write(spec.ToCanonicalJson());
            writer.Write((int)kernel.Path);
            writer.Write(step);
            writer.Write(rejectedSteps);
            writer.Write(halvings);
            writer.Write(acceptedSinceHalving);
            writer.Write(rejections);
            writer.Write(attempts);
            writer.Write(nextCurvatureRefresh);
            writer.Write(nextCurveStep);
            writer.Write(baseStepSize);
            writer.Write(stepSize);
            writer.Write(decayBudget);
            writer.Write(linearModel.Decay);
            writer.Write(initialTrainLoss);
            writer.Write(curveCount);
            for (var i = 0; i < curveCount; i++)
            {
                writer.Write(curve[i].Step);
                writer.Write(curve[i].TrainLoss);
                writer.Write(curve[i].TestLoss);
            }

            WriteValues<double>(writer, Master);
            WriteValues<double>(writer, linearModel.CoefficientModes);
            writer.Write(kernelLimit is not null);
            if (kernelLimit is not null)
            {
                WriteValues<double>(writer, kernelLimit.CoefficientModes);
            }
        }

        return stream.ToArray();
    }

    /// <summary>The accepted step a checkpoint was taken at, read from its header (for logs and status).</summary>
    public static int CheckpointStep(byte[] checkpoint)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint));
            if (reader.ReadInt32() != CheckpointMagic)
            {
                throw new CheckpointMismatchException("not an NtkSweep checkpoint (or one of another format version)");
            }

            _ = reader.ReadString();
            _ = reader.ReadInt32();
            return reader.ReadInt32();
        }
        catch (EndOfStreamException error)
        {
            throw new CheckpointMismatchException("the checkpoint is truncated", error);
        }
    }

    /// <summary>Continues from a checkpoint of the same spec on the same kernel path; throws <see cref="CheckpointMismatchException"/> otherwise.</summary>
    public void RestoreCheckpoint(byte[] checkpoint)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(checkpoint));
            if (reader.ReadInt32() != CheckpointMagic)
            {
                throw new CheckpointMismatchException("not an NtkSweep checkpoint (or one of another format version)");
            }

            if (reader.ReadString() != spec.ToCanonicalJson())
            {
                throw new CheckpointMismatchException("the checkpoint belongs to another run spec");
            }

            var path = (KernelPath)reader.ReadInt32();
            if (path != kernel.Path)
            {
                throw new CheckpointMismatchException($"the checkpoint was made on kernel path {path}, this session runs {kernel.Path}; resuming would not be bit-identical");
            }

            step = reader.ReadInt32();
            rejectedSteps = reader.ReadInt32();
            halvings = reader.ReadInt32();
            acceptedSinceHalving = reader.ReadInt32();
            rejections = reader.ReadInt32();
            attempts = reader.ReadInt32();
            nextCurvatureRefresh = reader.ReadInt32();
            nextCurveStep = reader.ReadInt32();
            baseStepSize = reader.ReadDouble();
            stepSize = reader.ReadDouble();
            decayBudget = reader.ReadDouble();
            var linearDecay = reader.ReadDouble();
            initialTrainLoss = reader.ReadDouble();
            curveCount = reader.ReadInt32();
            if (curveCount is < 0 or > CurveCapacity)
            {
                throw new CheckpointMismatchException("the checkpoint's loss curve is malformed");
            }

            for (var i = 0; i < curveCount; i++)
            {
                curve[i] = new LossPoint(reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble());
            }

            ReadValues<double>(reader, Master);
            RoundMasterToParameters();
            var linearModes = new double[sampleCount];
            ReadValues<double>(reader, linearModes);
            linearModel.Restore(linearModes, linearDecay);
            if (reader.ReadBoolean() != kernelLimit is not null)
            {
                throw new CheckpointMismatchException("the checkpoint's kernel-limit state does not match this run");
            }

            if (kernelLimit is not null)
            {
                var limitModes = new double[sampleCount];
                ReadValues<double>(reader, limitModes);
                kernelLimit.Restore(limitModes, 0);
            }
        }
        catch (EndOfStreamException error)
        {
            throw new CheckpointMismatchException("the checkpoint is truncated", error);
        }

        EvaluateTrain();
    }

    private const int CheckpointMagic = 0x344B544E; // "NTK4": the linearized model and the kernel-limit predictor in their eigenbases

    private static void WriteValues<T>(BinaryWriter writer, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
    }

    private static void ReadValues<T>(BinaryReader reader, Span<T> destination)
        where T : unmanaged
    {
        if (reader.ReadInt32() != destination.Length)
        {
            throw new CheckpointMismatchException("the checkpoint's buffers do not match this run's shapes");
        }

        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (reader.Read(bytes) != bytes.Length)
        {
            throw new EndOfStreamException();
        }
    }
}
