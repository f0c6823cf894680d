namespace Ridcp.Synthesis;

/// <summary>The drawn parameters of one sample; null marks a stage that was not applied. Enough to redo the sample
/// together with <see cref="NoiseSeed"/> (the seed of the noise field).</summary>
public sealed record HazeParameters
{
    public double? Gamma { get; init; }
    public NoiseMode? NoiseMode { get; init; }
    /// <summary>k of σ = k/255. In the correlated mode the official code scales by the upper bound of the level range
    /// (L = noise_level2/255), not by the drawn k; this records the level actually used, i.e. the upper bound.</summary>
    public int? NoiseLevel { get; init; }
    /// <summary>Row-major 3x3 matrix M with noise = M·z, z ~ N(0, I), for the correlated mode (null otherwise).</summary>
    public double[]? NoiseMixing { get; init; }
    public ulong NoiseSeed { get; init; }
    public double Beta { get; init; }
    /// <summary>Atmospheric light per channel, R, G, B (A plus the colour bias).</summary>
    public double[] Airlight { get; init; } = [0, 0, 0];
    public int? JpegQuality { get; init; }

    /// <summary>Draws every parameter of one sample, in the official order: brightness, noise, haze, JPEG.
    /// Only scalars are drawn here; the noise field gets its own forked stream, so these draws do not depend on
    /// the image size.</summary>
    public static HazeParameters Draw(SynthesisOptions o, SynthesisRng rng)
    {
        double? gamma = rng.Chance(o.GammaProb) ? rng.Uniform(o.Gamma.Min, o.Gamma.Max) : null;

        NoiseMode? mode = null; int? level = null; double[]? mixing = null;
        if (rng.Chance(o.NoiseProb))
        {
            int k = rng.NextInt(o.NoiseLevelMin, o.NoiseLevelMax);
            double r = rng.NextDouble();
            // official: rnum > 0.6 -> colour, rnum < 0.4 -> grey, else correlated; here with the probabilities as options
            mode = r < o.NoiseGrayProb ? Synthesis.NoiseMode.Gray
                 : r >= 1 - o.NoiseColorProb ? Synthesis.NoiseMode.Color
                 : Synthesis.NoiseMode.Correlated;
            level = k;
            if (mode == Synthesis.NoiseMode.Correlated)
            {
                level = o.NoiseLevelMax;
                mixing = CorrelatedNoise.RandomMixing(o.NoiseLevelMax / 255.0, rng);
            }
        }
        ulong noiseSeed = rng.NextUInt64();

        double beta = o.FixedBeta ?? rng.Uniform(o.Beta.Min, o.Beta.Max);
        double a = o.FixedAirlight ?? rng.Uniform(o.Airlight.Min, o.Airlight.Max);
        var airlight = new[] { a, a, a };
        if (rng.Chance(o.ColorProb))
            for (int c = 0; c < 3; c++) airlight[c] += rng.Uniform(-o.ColorBias, o.ColorBias);

        int? quality = rng.Chance(o.JpegProb) ? rng.NextInt(o.JpegQualityMin, o.JpegQualityMax) : null;

        return new HazeParameters
        {
            Gamma = gamma, NoiseMode = mode, NoiseLevel = level, NoiseMixing = mixing, NoiseSeed = noiseSeed,
            Beta = beta, Airlight = airlight, JpegQuality = quality,
        };
    }
}
