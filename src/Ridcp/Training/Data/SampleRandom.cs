namespace Ridcp.Training.Data;

/// <summary>A System.Random for sample k of a run: seeded by a SplitMix64 mix of (seed, k, stream), so sample k is
/// the same whatever came before it (exact resume) and samples are uncorrelated.</summary>
public static class SampleRandom
{
    public static Random For(long seed, long sample, int stream = 0)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)sample * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random((int)(z & 0x7fffffff));
    }
}
