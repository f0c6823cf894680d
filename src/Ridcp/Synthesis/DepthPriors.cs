using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>Depth maps made up for photos that have none. All return <b>depth</b> (far is large, use
/// <see cref="DepthKind.Depth"/>: t = exp(−2β·d)) already in [0,1].
///
/// <para><b>outdoor</b> (y = row / (H − 1), 0 at the top, 1 at the bottom):</para>
/// <list type="number">
/// <item>Sky score per pixel S = colour · smoothness · position, with colour = max(clamp((b − 0.4)/0.3),
/// clamp((B − R)/0.2)·clamp((b − 0.2)/0.2)) for the brightness b = (R+G+B)/3 (bright overcast or blue sky),
/// smoothness = clamp(1 − g/0.04) for g the local mean (radius W/100) of the grey gradient magnitude (sky has
/// little texture), position = clamp((0.9 − y)/0.4) (sky is in the upper part: full weight above 50 % of the height, none
/// below 90 %).</item>
/// <item>Horizon y_h: the lowest row in which at least 30 % of the pixels have S &gt; 0.5, clamped to [0.2, 0.85];
/// 0.45 when no row qualifies.</item>
/// <item>Ground plane seen by a level pinhole camera: distance ∝ 1/(y − y_h). Scaled so the bottom row is at
/// d_near = 0.15: G(y) = min(d_far, d_near·(1 − y_h)/(y − y_h)), and d_far = 0.85 at and above the horizon
/// (distant land, buildings, mountains).</item>
/// <item>Sky at infinity: D = max(G, S) (S = 1 means depth 1, the haziest).</item>
/// <item>Edge-aware refinement: guided filter (He et al. 2013) with the grey photo as guide, radius
/// max(4, min(W,H)/30), ε = 10⁻³, then clamped to [0,1]. The depth edges then follow the photo's edges.</item>
/// </list>
/// <para><b>constant</b>: 0.5 everywhere.</para>
/// <para><b>smooth-random</b>: the sum of four 2-D cosine waves with random frequencies (0.3 to 2 cycles per image
/// side), orientations, phases and amplitudes, scaled to [0,1] by its minimum and maximum.</para></summary>
public static class DepthPriors
{
    public const double NearDepth = 0.15, FarDepth = 0.85, DefaultHorizon = 0.45;

    /// <summary>The prior for one sample. <paramref name="rng"/> is used only by the random field.</summary>
    public static float[] Make(DepthPrior prior, RgbImage image, SynthesisRng rng) => prior switch
    {
        DepthPrior.Outdoor => Outdoor(image),
        DepthPrior.Constant => Constant(image.Width, image.Height),
        DepthPrior.SmoothRandom => SmoothRandom(image.Width, image.Height, rng),
        _ => throw new ArgumentOutOfRangeException(nameof(prior)),
    };

    /// <summary>Whether the prior depends only on the image (so it can be computed once per image).</summary>
    public static bool IsDeterministic(DepthPrior prior) => prior != DepthPrior.SmoothRandom;

    public static float[] Constant(int width, int height)
    {
        var d = new float[width * height];
        Array.Fill(d, 0.5f);
        return d;
    }

    public static float[] SmoothRandom(int width, int height, SynthesisRng rng)
    {
        const int Waves = 4;
        var fx = new double[Waves]; var fy = new double[Waves]; var phase = new double[Waves]; var amp = new double[Waves];
        for (int k = 0; k < Waves; k++)
        {
            double cycles = rng.Uniform(0.3, 2.0), angle = rng.Uniform(0, Math.PI);
            fx[k] = 2 * Math.PI * cycles * Math.Cos(angle) / width;
            fy[k] = 2 * Math.PI * cycles * Math.Sin(angle) / height;
            phase[k] = rng.Uniform(0, 2 * Math.PI);
            amp[k] = rng.Uniform(0.2, 1.0);
        }
        var d = new float[width * height];
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double v = 0;
                for (int k = 0; k < Waves; k++) v += amp[k] * Math.Cos(fx[k] * x + fy[k] * y + phase[k]);
                float f = (float)v;
                d[y * width + x] = f;
                if (f < min) min = f; if (f > max) max = f;
            }
        if (!(max > min)) return Constant(width, height);
        float s = 1f / (max - min);
        for (int i = 0; i < d.Length; i++) d[i] = (d[i] - min) * s;
        return d;
    }

    public static float[] Outdoor(RgbImage image)
    {
        int w = image.Width, h = image.Height, n = w * h;
        var grey = Grey(image);
        var sky = SkyScore(image, grey);
        double horizon = Horizon(sky, w, h);
        var d = new float[n];
        for (int y = 0; y < h; y++)
        {
            double yy = h > 1 ? (double)y / (h - 1) : 1.0;
            double ground = yy <= horizon ? FarDepth : Math.Min(FarDepth, NearDepth * (1 - horizon) / (yy - horizon));
            for (int x = 0; x < w; x++) d[y * w + x] = (float)Math.Max(ground, sky[y * w + x]);
        }
        int radius = Math.Max(4, Math.Min(w, h) / 30);
        var refined = GuidedFilter.Apply(grey, d, w, h, radius, 1e-3);
        for (int i = 0; i < n; i++) refined[i] = Math.Clamp(refined[i], 0f, 1f);
        return refined;
    }

    static float[] Grey(RgbImage img)
    {
        int n = img.Width * img.Height;
        var g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (img.Data[i] + img.Data[n + i] + img.Data[2 * n + i]) / 3f;
        return g;
    }

    /// <summary>S = colour · smoothness · position in [0,1] (see the class comment).</summary>
    internal static float[] SkyScore(RgbImage img, float[] grey)
    {
        int w = img.Width, h = img.Height, n = w * h;
        var grad = new float[n];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                float gx = grey[y * w + Math.Min(x + 1, w - 1)] - grey[y * w + Math.Max(x - 1, 0)];
                float gy = grey[Math.Min(y + 1, h - 1) * w + x] - grey[Math.Max(y - 1, 0) * w + x];
                grad[i] = 0.5f * MathF.Sqrt(gx * gx + gy * gy);
            }
        var texture = GuidedFilter.BoxMean(grad, w, h, Math.Max(1, w / 100));
        var s = new float[n];
        for (int y = 0; y < h; y++)
        {
            float position = Clamp01((0.9f - (h > 1 ? (float)y / (h - 1) : 0f)) / 0.4f);
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                float r = img.Data[i], b = img.Data[2 * n + i], bright = grey[i];
                float colour = MathF.Max(Clamp01((bright - 0.4f) / 0.3f), Clamp01((b - r) / 0.2f) * Clamp01((bright - 0.2f) / 0.2f));
                float smooth = Clamp01(1f - texture[i] / 0.04f);
                s[i] = colour * smooth * position;
            }
        }
        return s;
    }

    /// <summary>The lowest row (as a fraction of the height) with at least 30 % sky pixels, clamped to [0.2, 0.85].</summary>
    internal static double Horizon(float[] sky, int w, int h)
    {
        for (int y = h - 1; y >= 0; y--)
        {
            int count = 0;
            for (int x = 0; x < w; x++) if (sky[y * w + x] > 0.5f) count++;
            if (count >= 0.3 * w) return Math.Clamp(h > 1 ? (double)y / (h - 1) : 0.5, 0.2, 0.85);
        }
        return DefaultHorizon;
    }

    static float Clamp01(float v) => v < 0f ? 0f : v > 1f ? 1f : v;
}
