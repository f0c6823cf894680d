using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class HazeParametersTests
{
    const int N = 20_000;
    // Frequencies are checked within 5 binomial standard errors: a correct sampler fails with probability < 1e-6.
    const double Sigmas = 5;

    static void AssertFrequency(int count, int trials, double p, string what)
    {
        double se = Math.Sqrt(trials * p * (1 - p));
        Assert.True(Math.Abs(count - trials * p) <= Sigmas * se + 1e-9,
            $"{what}: {count} of {trials}, expected {trials * p:F0} ± {Sigmas * se:F0}");
    }

    static List<HazeParameters> Draw(SynthesisOptions o, int n = N) =>
        Enumerable.Range(0, n).Select(k => HazeParameters.Draw(o, SynthesisRng.ForSample(11, k))).ToList();

    [Fact]
    public void Official_draws_stay_in_their_ranges()
    {
        foreach (var p in Draw(SynthesisOptions.Official))
        {
            if (p.Gamma is { } g) Assert.InRange(g, 1.5, 3.0);
            if (p.NoiseLevel is { } k) Assert.InRange(k, 2, 25);
            if (p.JpegQuality is { } q) Assert.InRange(q, 30, 95);
            Assert.InRange(p.Beta, 0.3, 1.5);
            // A ∈ [0.25, 1.0] plus ΔA ∈ [-0.025, 0.025] per channel; the three channels share A
            Assert.All(p.Airlight, a => Assert.InRange(a, 0.225, 1.025));
            Assert.True(p.Airlight.Max() - p.Airlight.Min() <= 0.05 + 1e-12);
            Assert.Equal(p.NoiseMode is null, p.NoiseLevel is null);
            Assert.Equal(p.NoiseMode == NoiseMode.Correlated, p.NoiseMixing is not null);
        }
    }

    [Fact]
    public void Each_stage_happens_as_often_as_its_probability()
    {
        var ps = Draw(SynthesisOptions.Official);
        AssertFrequency(ps.Count(p => p.Gamma is not null), N, 0.5, "gamma");
        AssertFrequency(ps.Count(p => p.NoiseMode is not null), N, 0.5, "noise");
        AssertFrequency(ps.Count(p => p.JpegQuality is not null), N, 0.5, "jpeg");
        int noisy = ps.Count(p => p.NoiseMode is not null);
        AssertFrequency(ps.Count(p => p.NoiseMode == NoiseMode.Color), noisy, 0.4, "colour noise");
        AssertFrequency(ps.Count(p => p.NoiseMode == NoiseMode.Gray), noisy, 0.4, "grey noise");
        AssertFrequency(ps.Count(p => p.NoiseMode == NoiseMode.Correlated), noisy, 0.2, "correlated noise");
    }

    [Fact]
    public void Changed_probabilities_change_the_frequencies()
    {
        var o = SynthesisOptions.Official with { GammaProb = 0.1, NoiseProb = 0.9, JpegProb = 0.25, ColorProb = 0.3 };
        var ps = Draw(o);
        AssertFrequency(ps.Count(p => p.Gamma is not null), N, 0.1, "gamma");
        AssertFrequency(ps.Count(p => p.NoiseMode is not null), N, 0.9, "noise");
        AssertFrequency(ps.Count(p => p.JpegQuality is not null), N, 0.25, "jpeg");
        AssertFrequency(ps.Count(p => p.Airlight[0] != p.Airlight[1]), N, 0.3, "colour bias");
    }

    [Fact]
    public void Uniform_draws_fill_their_range_evenly()
    {
        var ps = Draw(SynthesisOptions.Official);
        // Mean of U[a,b] is (a+b)/2 with standard error (b-a)/sqrt(12 n).
        void Mean(IEnumerable<double> xs, double a, double b, string what)
        {
            var l = xs.ToList();
            double se = (b - a) / Math.Sqrt(12.0 * l.Count);
            Assert.True(Math.Abs(l.Average() - (a + b) / 2) <= Sigmas * se, $"{what}: mean {l.Average()}");
        }
        Mean(ps.Select(p => p.Beta), 0.3, 1.5, "beta");
        Mean(ps.Where(p => p.Gamma is not null).Select(p => p.Gamma!.Value), 1.5, 3.0, "gamma");
        Mean(ps.Select(p => p.Airlight.Average()), 0.25, 1.0, "airlight");
        var levels = ps.Where(p => p.NoiseMode is NoiseMode.Color or NoiseMode.Gray).Select(p => p.NoiseLevel!.Value).ToHashSet();
        Assert.Equal(Enumerable.Range(2, 24).ToHashSet(), levels); // every level 2..25 drawn, both ends included
        var qualities = ps.Where(p => p.JpegQuality is not null).Select(p => p.JpegQuality!.Value).ToHashSet();
        Assert.Contains(30, qualities); Assert.Contains(95, qualities);
    }

    [Fact]
    public void Correlated_noise_uses_the_top_of_the_level_range_as_the_official_does()
    {
        var ps = Draw(SynthesisOptions.Official);
        Assert.All(ps.Where(p => p.NoiseMode == NoiseMode.Correlated), p => Assert.Equal(25, p.NoiseLevel));
    }

    [Fact]
    public void Fixed_values_replace_the_draws_and_zero_probabilities_switch_stages_off()
    {
        var o = SynthesisOptions.Official with
        {
            FixedBeta = 1.0, FixedAirlight = 0.8, GammaProb = 0, NoiseProb = 0, JpegProb = 0, ColorBias = 0,
        };
        foreach (var p in Draw(o, 1000))
        {
            Assert.Equal(1.0, p.Beta);
            Assert.Equal([0.8, 0.8, 0.8], p.Airlight);
            Assert.Null(p.Gamma); Assert.Null(p.NoiseMode); Assert.Null(p.JpegQuality);
        }
    }

    [Fact]
    public void Bad_options_are_rejected_with_their_name()
    {
        Assert.Contains("gamma probability", Assert.Throws<ArgumentException>(() => (SynthesisOptions.Official with { GammaProb = 1.5 }).Validate()).Message);
        Assert.Contains("beta", Assert.Throws<ArgumentException>(() => (SynthesisOptions.Official with { Beta = new(2, 1) }).Validate()).Message);
        Assert.Contains("JPEG quality", Assert.Throws<ArgumentException>(() => (SynthesisOptions.Official with { JpegQualityMax = 101 }).Validate()).Message);
    }
}
