using System.Buffers;
using Ridcp.Imaging;
using SkiaSharp;

namespace Ridcp.Synthesis;

/// <summary>The four stages of the official degradation (add_haze in RIDCP_dehazing
/// basicsr/data/haze_online_siamese_dataset.py) as functions on planar float images, each in place and with its
/// parameters given: no randomness except the noise field, whose generator is passed in.</summary>
public static class DegradationStages
{
    /// <summary>Brightness: J ← J^γ. Values that are exact multiples of 1/255 (every pixel of an 8-bit photo) go
    /// through a 256-entry table of the same powers, which is what makes this stage cheap.</summary>
    public static void ApplyGamma(float[] data, double gamma)
    {
        var table = new float[256];
        for (int k = 0; k < 256; k++) table[k] = (float)Math.Pow(k / 255f, gamma);
        float g = (float)gamma;
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            int k = (int)(v * 255f + 0.5f);
            if ((uint)k < 256 && k / 255f == v) data[i] = table[k];
            else data[i] = v > 0 ? MathF.Pow(v, g) : 0f; // np.power of a negative base is NaN; inputs are in [0,1]
        }
    }

    /// <summary>Gaussian noise of standard deviation level/255 (colour / grey modes) or with the mixing matrix
    /// (correlated mode), then clipped to [0,1] as the official add_Gaussian_noise does.</summary>
    public static void AddNoise(RgbImage image, NoiseMode mode, int level, double[]? mixing, SynthesisRng noise)
    {
        var d = image.Data;
        int plane = image.Width * image.Height;
        double sigma = level / 255.0;
        // Deviates are drawn in chunks (same values and order as one draw per call): keeps the generator in registers.
        const int Chunk = 4096;
        var z = new float[3 * Chunk];
        switch (mode)
        {
            case NoiseMode.Color:
                for (int start = 0; start < d.Length; start += Chunk)
                {
                    int n = Math.Min(Chunk, d.Length - start);
                    noise.FillGaussian(z.AsSpan(0, n), sigma);
                    for (int i = 0; i < n; i++) d[start + i] = Clip01(d[start + i] + z[i]);
                }
                break;
            case NoiseMode.Gray:
                for (int start = 0; start < plane; start += Chunk)
                {
                    int n = Math.Min(Chunk, plane - start);
                    noise.FillGaussian(z.AsSpan(0, n), sigma);
                    for (int i = 0; i < n; i++)
                    {
                        int p = start + i;
                        d[p] = Clip01(d[p] + z[i]); d[plane + p] = Clip01(d[plane + p] + z[i]); d[2 * plane + p] = Clip01(d[2 * plane + p] + z[i]);
                    }
                }
                break;
            case NoiseMode.Correlated:
                if (mixing is not { Length: 9 }) throw new ArgumentException("correlated noise needs a 3x3 mixing matrix");
                float m00 = (float)mixing[0], m01 = (float)mixing[1], m02 = (float)mixing[2], m10 = (float)mixing[3], m11 = (float)mixing[4],
                      m12 = (float)mixing[5], m20 = (float)mixing[6], m21 = (float)mixing[7], m22 = (float)mixing[8];
                for (int start = 0; start < plane; start += Chunk)
                {
                    int n = Math.Min(Chunk, plane - start);
                    noise.FillGaussian(z.AsSpan(0, 3 * n), 1.0); // z0, z1, z2 of each pixel in turn
                    for (int i = 0; i < n; i++)
                    {
                        int p = start + i;
                        float z0 = z[3 * i], z1 = z[3 * i + 1], z2 = z[3 * i + 2];
                        d[p] = Clip01(d[p] + (m00 * z0 + m01 * z1 + m02 * z2));
                        d[plane + p] = Clip01(d[plane + p] + (m10 * z0 + m11 * z1 + m12 * z2));
                        d[2 * plane + p] = Clip01(d[2 * plane + p] + (m20 * z0 + m21 * z1 + m22 * z2));
                    }
                }
                break;
            default: throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    static float Clip01(float v) => v < 0f ? 0f : v > 1f ? 1f : v;

    /// <summary>Transmission from a map normalised to [0,1]: t = exp(−2β(1 − d)) for inverse depth (the official
    /// formula, near is large), t = exp(−2β·d) for depth (far is large).</summary>
    public static float[] Transmission(float[] normalisedDepth, double beta, DepthKind kind)
    {
        var t = GC.AllocateUninitializedArray<float>(normalisedDepth.Length); // every element is written below
        float k = (float)(-2.0 * beta);
        if (kind == DepthKind.Inverse)
            for (int i = 0; i < t.Length; i++) t[i] = MathF.Exp(k * (1f - normalisedDepth[i]));
        else
            for (int i = 0; i < t.Length; i++) t[i] = MathF.Exp(k * normalisedDepth[i]);
        return t;
    }

    /// <summary>The atmospheric scattering model I = J·t + A·(1 − t), per channel A (not clipped, as the official).</summary>
    public static void ApplyHaze(RgbImage image, float[] transmission, double[] airlight)
    {
        int plane = image.Width * image.Height;
        if (transmission.Length != plane) throw new ArgumentException("transmission size does not match the image");
        var d = image.Data;
        for (int c = 0; c < 3; c++)
        {
            float a = (float)airlight[c];
            int o = c * plane;
            for (int i = 0; i < plane; i++)
            {
                float t = transmission[i];
                d[o + i] = d[o + i] * t + a * (1f - t);
            }
        }
    }

    /// <summary>JPEG round trip at the given quality, 4:2:0 chroma subsampling like OpenCV's imencode default.
    /// Quantisation to 8 bits first: clip, ×255, round half to even (the official single2uint).</summary>
    public static void JpegRoundTrip(RgbImage image, int quality)
    {
        int plane = image.Width * image.Height;
        var rgba = ArrayPool<byte>.Shared.Rent(4 * plane); // 3 MB per sample at 1024x768: reuse it
        try { JpegRoundTrip(image, quality, rgba); }
        finally { ArrayPool<byte>.Shared.Return(rgba); }
    }

    static unsafe void JpegRoundTrip(RgbImage image, int quality, byte[] rgba)
    {
        int w = image.Width, h = image.Height, plane = w * h;
        var d = image.Data;
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        ImageFile.ToRgba8888(image, rgba); // the official single2uint: clip, x255 in float32, round half to even
        fixed (byte* p = rgba)
        {
            SKData encoded;
            using (var pixmap = new SKPixmap(info, (IntPtr)p, 4 * w))
                encoded = pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
                          ?? throw new InvalidOperationException($"JPEG encoding failed at quality {quality}");
            using (encoded)
            using (var codec = SKCodec.Create(encoded) ?? throw new InvalidOperationException("JPEG decoding failed"))
            {
                var result = codec.GetPixels(info, (IntPtr)p);
                if (result != SKCodecResult.Success) throw new InvalidOperationException($"JPEG decoding failed ({result})");
            }
        }
        for (int i = 0; i < plane; i++)
        {
            d[i] = rgba[4 * i] / 255f; d[plane + i] = rgba[4 * i + 1] / 255f; d[2 * plane + i] = rgba[4 * i + 2] / 255f;
        }
    }
}
