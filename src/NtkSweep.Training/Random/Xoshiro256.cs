namespace NtkSweep.Training.Random;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018): a small, fast generator with 256 bits of state, seeded through
/// SplitMix64 as its authors recommend. Every random quantity of a run comes from one of these, so a run is
/// reproducible bit for bit from its seed, on any machine. Gaussians use Marsaglia's polar method, which needs
/// only <see cref="Math.Log"/> and <see cref="Math.Sqrt"/>.
/// </summary>
public struct Xoshiro256
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;
    private double spareGaussian;
    private bool hasSpare;

    public Xoshiro256(ulong seed)
    {
        var mixer = seed;
        s0 = SplitMix64(ref mixer);
        s1 = SplitMix64(ref mixer);
        s2 = SplitMix64(ref mixer);
        s3 = SplitMix64(ref mixer);
        spareGaussian = 0;
        hasSpare = false;
    }

    /// <summary>
    /// An independent stream for (seed, stream): the seed and the stream's name are hashed together, so the data,
    /// teacher, noise and initialization streams never overlap and changing one knob leaves the others unchanged.
    /// </summary>
    public static Xoshiro256 ForStream(ulong seed, RandomStream stream)
    {
        var mixer = seed ^ ((ulong)stream * 0x9E3779B97F4A7C15UL);
        var first = SplitMix64(ref mixer);
        return new Xoshiro256(first ^ (ulong)stream);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal.</summary>
    public double NextGaussian()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spareGaussian;
        }

        double u;
        double v;
        double s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);

        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        spareGaussian = v * factor;
        hasSpare = true;
        return u * factor;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The named random streams of a run.</summary>
public enum RandomStream : ulong
{
    TeacherDirections = 1,
    TrainInputs = 2,
    TestInputs = 3,
    LabelNoise = 4,
    Initialization = 5,
}
