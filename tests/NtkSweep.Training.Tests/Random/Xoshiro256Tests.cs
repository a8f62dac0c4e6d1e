using NtkSweep.Training.Random;

namespace NtkSweep.Training.Tests.Random;

public sealed class Xoshiro256Tests
{
    [Fact]
    public void Generator_is_xoshiro256_star_star_seeded_by_splitmix64()
    {
        // An independent transcription of the published algorithms (Blackman & Vigna), anchored by SplitMix64's
        // well-known first output for seed 0.
        var mixer = 0UL;
        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64(ref mixer));

        foreach (var seed in new[] { 0UL, 1UL, 42UL, ulong.MaxValue })
        {
            mixer = seed;
            var state = new[] { SplitMix64(ref mixer), SplitMix64(ref mixer), SplitMix64(ref mixer), SplitMix64(ref mixer) };
            var generator = new Xoshiro256(seed);
            for (var i = 0; i < 1000; i++)
            {
                Assert.Equal(NextStarStar(state), generator.NextUInt64());
            }
        }
    }

    [Fact]
    public void Same_seed_and_stream_give_the_same_sequence()
    {
        foreach (var stream in Enum.GetValues<RandomStream>())
        {
            var first = Xoshiro256.ForStream(17, stream);
            var second = Xoshiro256.ForStream(17, stream);
            for (var i = 0; i < 500; i++)
            {
                Assert.Equal(first.NextUInt64(), second.NextUInt64());
            }

            Assert.Equal(first.NextGaussian(), second.NextGaussian());
        }
    }

    [Fact]
    public void Different_streams_and_seeds_give_unrelated_sequences()
    {
        var sequences = new List<ulong[]>();
        foreach (var seed in new[] { 0UL, 1UL, 2UL, 1UL << 40 })
        {
            foreach (var stream in Enum.GetValues<RandomStream>())
            {
                var generator = Xoshiro256.ForStream(seed, stream);
                sequences.Add(Enumerable.Range(0, 64).Select(_ => generator.NextUInt64()).ToArray());
            }
        }

        // No two (seed, stream) pairs share a value among their first 64 outputs: overlapping or shifted streams would.
        var all = sequences.SelectMany(values => values).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());

        // Streams are not simple functions of one another: bitwise agreement is near the 50% of independent bits.
        for (var a = 0; a < sequences.Count; a++)
        {
            for (var b = a + 1; b < sequences.Count; b++)
            {
                var agreeing = sequences[a].Zip(sequences[b]).Sum(pair => 64 - System.Numerics.BitOperations.PopCount(pair.First ^ pair.Second));
                var fraction = agreeing / (64.0 * 64);
                Assert.InRange(fraction, 0.45, 0.55);
            }
        }
    }

    [Fact]
    public void Gaussian_has_mean_zero_variance_one_and_normal_tails_on_100k_samples()
    {
        const int count = 100_000;
        var generator = Xoshiro256.ForStream(2024, RandomStream.Initialization);
        double sum = 0;
        double sumSquares = 0;
        double sumFourth = 0;
        var beyondTwo = 0;
        for (var i = 0; i < count; i++)
        {
            var value = generator.NextGaussian();
            Assert.True(double.IsFinite(value));
            sum += value;
            sumSquares += value * value;
            sumFourth += value * value * value * value;
            if (Math.Abs(value) > 2)
            {
                beyondTwo++;
            }
        }

        var mean = sum / count;
        var variance = sumSquares / count - mean * mean;
        // Five standard errors: sd(mean) = 1/√n ≈ 0.0032, sd(variance) = √(2/n) ≈ 0.0045, sd(E x⁴) = √(96/n) ≈ 0.031.
        Assert.InRange(mean, -0.016, 0.016);
        Assert.InRange(variance, 1 - 0.023, 1 + 0.023);
        Assert.InRange(sumFourth / count, 3 - 0.16, 3 + 0.16);
        // P(|x| > 2) = 0.0455, binomial sd ≈ 0.00066.
        Assert.InRange(beyondTwo / (double)count, 0.0455 - 0.0033, 0.0455 + 0.0033);
    }

    [Fact]
    public void Uniform_doubles_lie_in_the_unit_interval_with_mean_one_half()
    {
        var generator = new Xoshiro256(5);
        double sum = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var value = generator.NextDouble();
            Assert.InRange(value, 0.0, 1.0);
            Assert.True(value < 1.0);
            sum += value;
        }

        // sd of the mean = √(1/12/n) ≈ 0.0009; five of them.
        Assert.InRange(sum / 100_000, 0.5 - 0.0046, 0.5 + 0.0046);
    }

    private static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong NextStarStar(ulong[] s)
    {
        var result = ulong.RotateLeft(s[1] * 5, 7) * 9;
        var shifted = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= shifted;
        s[3] = ulong.RotateLeft(s[3], 45);
        return result;
    }
}
