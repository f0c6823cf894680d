namespace Ridcp.Synthesis;

/// <summary>The random generator of the synthesis pipeline: xoshiro256** (Blackman and Vigna, 2018) seeded through
/// splitmix64. Both algorithms are published and fixed, so a seed gives the same stream on every platform and every
/// .NET version (System.Random's algorithm is not part of its contract). Not thread-safe: one generator per sample.</summary>
public sealed class SynthesisRng
{
    ulong s0, s1, s2, s3;

    public SynthesisRng(ulong seed)
    {
        // splitmix64 expands one 64-bit seed into the 256-bit state, as the xoshiro authors recommend.
        ulong x = seed;
        s0 = SplitMix64(ref x); s1 = SplitMix64(ref x); s2 = SplitMix64(ref x); s3 = SplitMix64(ref x);
    }

    /// <summary>The generator of one sample: seed + sample index, so any sample can be regenerated alone.</summary>
    public static SynthesisRng ForSample(long seed, long sampleIndex) => new(unchecked((ulong)(seed + sampleIndex)));

    public static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>The raw state, for bulk generators that keep it in registers (<see cref="GaussianZiggurat.Fill"/>).</summary>
    internal (ulong, ulong, ulong, ulong) State
    {
        get => (s0, s1, s2, s3);
        set => (s0, s1, s2, s3) = value;
    }

    /// <summary>Fills a span with scale·N(0,1) deviates, identical to repeated <see cref="NextGaussian"/> calls.</summary>
    public void FillGaussian(Span<float> dst, double scale) => GaussianZiggurat.Fill(this, dst, scale);

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max], both ends included (like Python's random.randint).</summary>
    public int NextInt(int min, int max)
    {
        if (max < min) throw new ArgumentException($"empty integer range [{min}, {max}]");
        ulong span = (ulong)((long)max - min + 1);
        // Lemire's unbiased multiply-shift with rejection.
        ulong x = NextUInt64();
        UInt128 m = (UInt128)x * span;
        ulong low = (ulong)m;
        if (low < span)
        {
            ulong threshold = (0 - span) % span;
            while (low < threshold) { x = NextUInt64(); m = (UInt128)x * span; low = (ulong)m; }
        }
        return (int)(min + (long)(ulong)(m >> 64));
    }

    /// <summary>True with probability p.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A standard normal deviate (ziggurat, see <see cref="GaussianZiggurat"/>).</summary>
    public double NextGaussian() => GaussianZiggurat.Next(this);

    /// <summary>An independent generator split off this one (for streams whose length depends on the image size,
    /// so that the parameter draws before and after them do not depend on it).</summary>
    public SynthesisRng Fork() => new(NextUInt64());
}
