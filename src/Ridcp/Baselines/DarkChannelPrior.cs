using Ridcp.Imaging;

namespace Ridcp.Baselines;

/// <summary>Single image haze removal using the dark channel prior (K. He, J. Sun, X. Tang, CVPR 2009; TPAMI 33(12)
/// 2011), with the transmission refined by the guided filter (TPAMI 2013) instead of soft matting, as the authors
/// later recommend. The classical reference point of every comparison (`ridcp dehaze --method dcp`).</summary>
/// <remarks>
/// Steps (equation numbers of the TPAMI 2011 paper):
/// <list type="number">
/// <item>Dark channel J_dark(x) = min over the 15x15 patch of min over c of I^c (Eq. 5): a van Herk/Gil-Werman min
/// filter of the per-pixel channel minimum.</item>
/// <item>Atmospheric light A (Sec. 4.4): among the brightest 0.1% pixels of the dark channel, the pixel of highest
/// intensity in the input image is chosen, as the paper does (not the mean of those pixels, which later
/// re-implementations often use). Intensity = R + G + B.</item>
/// <item>Transmission t(x) = 1 - omega * min_patch min_c (I^c / A^c) (Eq. 12), omega = 0.95.</item>
/// <item>Refinement: guided filter, guide = grey image 0.299 R + 0.587 G + 0.114 B, r = 60, eps = 1e-4 (the haze removal
/// setting of "Guided Image Filtering").</item>
/// <item>Recovery J = (I - A) / max(t, t0) + A, t0 = 0.1 (Eq. 22), clamped to [0,1].</item>
/// </list>
/// </remarks>
public static class DarkChannelPrior
{
    /// <summary>Dehazes with the default (paper) parameters.</summary>
    public static RgbImage Dehaze(RgbImage hazy) => Estimate(hazy).Dehazed;

    public static RgbImage Dehaze(RgbImage hazy, DarkChannelPriorOptions options) => Estimate(hazy, options).Dehazed;

    public static DarkChannelPriorResult Estimate(RgbImage hazy, DarkChannelPriorOptions? options = null)
    {
        options ??= new DarkChannelPriorOptions();
        options.Validate();
        int w = hazy.Width, h = hazy.Height, n = w * h;
        var data = hazy.Data;
        foreach (var v in data)
            if (!float.IsFinite(v)) throw new ArgumentException("image contains NaN or infinite values");

        var dark = DarkChannel(data, n, w, h, options.PatchSize, [1, 1, 1]);
        var a = AtmosphericLight(data, dark, n, options.BrightestFraction);

        var normDark = DarkChannel(data, n, w, h, options.PatchSize, a);
        var t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float)(1 - options.Omega * normDark[i]);

        if (options.Refine)
        {
            var grey = new float[n];
            for (int i = 0; i < n; i++) grey[i] = 0.299f * data[i] + 0.587f * data[n + i] + 0.114f * data[2 * n + i];
            t = GuidedFilter.Apply(grey, t, w, h, options.GuidedRadius, options.GuidedEpsilon);
        }

        var output = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < n; i++)
            {
                double tt = Math.Max(t[i], options.MinTransmission);
                double j = (data[c * n + i] - a[c]) / tt + a[c];
                output.Data[c * n + i] = (float)Math.Clamp(j, 0.0, 1.0);
            }
        return new DarkChannelPriorResult(output, t, a);
    }

    /// <summary>min over the patch of min over c of I^c / A^c.</summary>
    internal static float[] DarkChannel(float[] data, int n, int w, int h, int patch, double[] a)
    {
        var minRgb = new float[n];
        for (int i = 0; i < n; i++)
            minRgb[i] = (float)Math.Min(Math.Min(data[i] / a[0], data[n + i] / a[1]), data[2 * n + i] / a[2]);
        return MinFilter.Apply(minRgb, w, h, patch);
    }

    /// <summary>Sec. 4.4: the top <paramref name="fraction"/> of dark-channel pixels, then the one brightest in the
    /// input (R + G + B); ties broken by the first in row-major order. A channel is kept above a tiny floor so that
    /// I / A stays finite on black images.</summary>
    internal static double[] AtmosphericLight(float[] data, float[] dark, int n, double fraction)
    {
        int count = Math.Max(1, (int)Math.Floor(n * fraction));
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var keys = (float[])dark.Clone();
        Array.Sort(keys, order); // ascending
        int best = -1; double bestIntensity = double.NegativeInfinity;
        for (int k = n - count; k < n; k++)
        {
            int i = order[k];
            double intensity = data[i] + data[n + i] + data[2 * n + i];
            if (intensity > bestIntensity || (intensity == bestIntensity && i < best)) { bestIntensity = intensity; best = i; }
        }
        const double floor = 1e-6;
        return [Math.Max(floor, data[best]), Math.Max(floor, data[n + best]), Math.Max(floor, data[2 * n + best])];
    }
}
