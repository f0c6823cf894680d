using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>The phenomenological degradation of RIDCP (add_haze in RIDCP_dehazing
/// basicsr/data/haze_online_siamese_dataset.py), in the official order:
/// 1. brightness J ← J^γ (p 0.5), 2. Gaussian noise (p 0.5, three modes) and clip, 3. haze I = J·t + A(1 − t),
/// 4. JPEG (p 0.5). Pure: the clear image is not modified and all randomness comes from the seed.</summary>
public static class HazeSynthesizer
{
    /// <summary>Sample <paramref name="sampleIndex"/> of a run seeded with <paramref name="seed"/>: its generator is
    /// seeded with seed + sampleIndex, so one sample can be regenerated alone.</summary>
    public static SynthesisResult Synthesize(RgbImage clear, float[] normalisedDepth, SynthesisOptions options, long seed, long sampleIndex) =>
        Synthesize(clear, normalisedDepth, options, SynthesisRng.ForSample(seed, sampleIndex));

    public static SynthesisResult Synthesize(RgbImage clear, float[] normalisedDepth, SynthesisOptions options, SynthesisRng rng) =>
        Apply(clear, normalisedDepth, options.DepthKind, HazeParameters.Draw(options, rng));

    /// <summary>Applies given parameters (the deterministic half of the pipeline).</summary>
    public static SynthesisResult Apply(RgbImage clear, float[] normalisedDepth, DepthKind kind, HazeParameters p)
    {
        if (normalisedDepth.Length != clear.Width * clear.Height)
            throw new ArgumentException($"depth map has {normalisedDepth.Length} values, the image {clear.Width}x{clear.Height}");
        var img = new RgbImage(clear.Width, clear.Height, (float[])clear.Data.Clone());
        if (p.Gamma is { } g) DegradationStages.ApplyGamma(img.Data, g);
        if (p.NoiseMode is { } mode) DegradationStages.AddNoise(img, mode, p.NoiseLevel ?? 0, p.NoiseMixing, new SynthesisRng(p.NoiseSeed));
        var t = DegradationStages.Transmission(normalisedDepth, p.Beta, kind);
        DegradationStages.ApplyHaze(img, t, p.Airlight);
        if (p.JpegQuality is { } q) DegradationStages.JpegRoundTrip(img, q);
        return new SynthesisResult(img, t, p);
    }
}
