using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class SynthesisRngTests
{
    // Statistical checks use 5 standard errors: a correct generator fails one of them with probability < 1e-6.
    const double Sigmas = 5;

    [Fact]
    public void Splitmix64_gives_the_published_first_output_for_seed_zero()
    {
        ulong state = 0;
        // Reference value of splitmix64 (Vigna, prng.di.unimi.it/splitmix64.c) from state 0.
        Assert.Equal(0xE220A8397B1DCDAFUL, SynthesisRng.SplitMix64(ref state));
    }

    [Fact]
    public void The_same_seed_gives_the_same_stream_and_another_seed_another()
    {
        var a = new SynthesisRng(42); var b = new SynthesisRng(42); var c = new SynthesisRng(43);
        var xa = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(xa, Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(xa, Enumerable.Range(0, 100).Select(_ => c.NextUInt64()).ToArray());
    }

    [Fact]
    public void Integers_cover_both_ends_of_their_range_uniformly()
    {
        var rng = new SynthesisRng(1);
        const int N = 240_000, Lo = 2, Hi = 25;
        var counts = new int[Hi + 1];
        for (int i = 0; i < N; i++) { int k = rng.NextInt(Lo, Hi); Assert.InRange(k, Lo, Hi); counts[k]++; }
        double p = 1.0 / (Hi - Lo + 1), se = Math.Sqrt(N * p * (1 - p));
        for (int k = Lo; k <= Hi; k++) Assert.InRange(counts[k], N * p - Sigmas * se, N * p + Sigmas * se);
    }

    [Fact]
    public void Gaussian_deviates_have_mean_zero_variance_one_and_normal_tails()
    {
        var rng = new SynthesisRng(7);
        const int N = 1_000_000;
        double sum = 0, sq = 0; int beyond3 = 0, beyondR = 0;
        for (int i = 0; i < N; i++)
        {
            double z = rng.NextGaussian();
            sum += z; sq += z * z;
            if (Math.Abs(z) > 3) beyond3++;
            if (Math.Abs(z) > 3.442619855899) beyondR++; // the ziggurat's tail sampler
        }
        double mean = sum / N, variance = sq / N - mean * mean;
        Assert.InRange(mean, -Sigmas / Math.Sqrt(N), Sigmas / Math.Sqrt(N));
        Assert.InRange(variance, 1 - Sigmas * Math.Sqrt(2.0 / N), 1 + Sigmas * Math.Sqrt(2.0 / N));
        const double P3 = 0.0026997960632601866; // P(|Z| > 3)
        Assert.InRange(beyond3, N * P3 - Sigmas * Math.Sqrt(N * P3), N * P3 + Sigmas * Math.Sqrt(N * P3));
        const double PR = 5.7617e-4; // P(|Z| > 3.4426)
        Assert.InRange(beyondR, N * PR - Sigmas * Math.Sqrt(N * PR), N * PR + Sigmas * Math.Sqrt(N * PR));
    }

    [Fact]
    public void Bulk_gaussians_are_the_same_values_as_one_at_a_time_including_the_slow_paths()
    {
        var a = new SynthesisRng(99); var b = new SynthesisRng(99);
        var bulk = new float[200_000]; // ~1.2 % of draws take the wedge/tail path: thousands of them here
        a.FillGaussian(bulk, 0.5);
        for (int i = 0; i < bulk.Length; i++) Assert.Equal((float)(0.5 * b.NextGaussian()), bulk[i]);
        Assert.Equal(a.NextUInt64(), b.NextUInt64()); // both generators consumed the same number of bits
    }
}
