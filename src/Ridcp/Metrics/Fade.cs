using Ridcp.Imaging;
using Ridcp.Metrics.Live;

namespace Ridcp.Metrics;

/// <summary>FADE, Fog Aware Density Evaluator (Choi, You, Bovik, IEEE TIP 24(11) 2015): perceptual fog density,
/// lower = less fog. Port of the LIVE release FADE.m / CE.m / border_in.m / border_out.m with its fog-free and foggy
/// model statistics (natural_*_image_features_ps8.mat).</summary>
public static class Fade
{
    const int Patch = 8;
    const int NFeatures = 12;

    sealed record MvgModel(double[] Mu, double[] Cov);

    static readonly Lazy<(MvgModel FogFree, MvgModel Foggy)> Models = new(() =>
    {
        var free = ModelResources.Mat("natural_fogfree_image_features_ps8.mat");
        var foggy = ModelResources.Mat("natural_foggy_image_features_ps8.mat");
        return (new MvgModel(free["mu_fogfreeparam"].RowMajor, free["cov_fogfreeparam"].RowMajor),
                new MvgModel(foggy["mu_foggyparam"].RowMajor, foggy["cov_foggyparam"].RowMajor));
    });

    /// <summary>Fog density D = Df / (Dff + 1) of an image (grey images are used as R = G = B, as FADE.m needs three
    /// channels).</summary>
    public static double Compute(RgbImage image)
    {
        int rowsP = image.Height / Patch, colsP = image.Width / Patch;
        // CE.m's border_in copies 10 rows/columns, so the (8-multiple) cropped image needs 16 of each.
        if (rowsP < 2 || colsP < 2)
            throw new ArgumentException($"FADE needs at least {2 * Patch}x{2 * Patch} pixels, got {image.Width}x{image.Height}");
        int h = rowsP * Patch, w = colsP * Patch, n = h * w;
        var bytes = MatlabImage.ToUint8Planes(image);
        int plane = image.Width * image.Height;
        var r = new double[n]; var g = new double[n]; var b = new double[n];
        var rgb = new byte[3 * n];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int s = y * image.Width + x, d = y * w + x;
                rgb[d] = bytes[s]; rgb[n + d] = bytes[plane + s]; rgb[2 * n + d] = bytes[2 * plane + s];
                r[d] = bytes[s]; g[d] = bytes[plane + s]; b[d] = bytes[2 * plane + s];
            }
        var ig = MatlabImage.Rgb2Gray(rgb, w, h);
        var mscn = Mscn.Compute(ig, h, w, replicateBorder: true);
        var ce = ContrastEnergy.Compute(r, g, b, h, w);

        int nPatches = rowsP * colsP;
        var feat = new double[nPatches * NFeatures];
        Parallel.For(0, colsP, ParallelRows.Items, pc =>
        {
            Span<double> f = stackalloc double[NFeatures];
            for (int pr = 0; pr < rowsP; pr++)
            {
                PatchFeatures(pr * Patch, pc * Patch, w, h, mscn, ig, r, g, b, rgb, n, ce, f);
                int p = pc * rowsP + pr; // im2col 'distinct': column-major patch order
                for (int k = 0; k < NFeatures; k++) feat[p * NFeatures + k] = Math.Log(1 + f[k]);
            }
        });

        var (fogFree, foggy) = Models.Value;
        double df = MeanDistance(feat, nPatches, fogFree);
        double dff = MeanDistance(feat, nPatches, foggy);
        return df / (dff + 1);
    }

    static void PatchFeatures(int y0, int x0, int w, int h, Mscn m, double[] ig, double[] r, double[] g, double[] b,
                              byte[] rgb, int n, double[][] ce, Span<double> f)
    {
        Span<double> v = stackalloc double[Patch * Patch];
        Span<double> pairs = stackalloc double[Patch * Patch];
        Span<double> rg = stackalloc double[Patch * Patch];
        Span<double> by = stackalloc double[Patch * Patch];
        Span<byte> grey = stackalloc byte[Patch * Patch];
        double sumSigma = 0, sumCv = 0, sumCeGray = 0, sumCeBy = 0, sumCeRg = 0, sumId = 0, sumIs = 0;
        int k = 0;
        for (int x = x0; x < x0 + Patch; x++) // im2col: column-major within the patch
            for (int y = y0; y < y0 + Patch; y++, k++)
            {
                int i = y * w + x;
                v[k] = m.Coefficients[i];
                int up = (y == 0 ? h - 1 : y - 1) * w + x; // circshift(MSCN, [1 0]): the row above, wrapping
                pairs[k] = m.Coefficients[i] * m.Coefficients[up];
                sumSigma += m.Sigma[i];
                sumCv += m.Sigma[i] / m.Mu[i];
                sumCeGray += ce[0][i]; sumCeBy += ce[1][i]; sumCeRg += ce[2][i];
                grey[k] = (byte)ig[i];
                double rn = r[i] / 255, gn = g[i] / 255, bn = b[i] / 255;
                sumId += Math.Min(Math.Min(rn, gn), bn);
                sumIs += Saturation(rgb[i], rgb[n + i], rgb[2 * n + i]);
                rg[k] = r[i] - g[i];
                by[k] = 0.5 * (r[i] + g[i]) - b[i];
            }
        const int N = Patch * Patch;
        f[0] = NanVar(v, int.MinValue);
        f[1] = NanVar(pairs, +1); // MSCN_V_pair_R_var: values >= 0
        f[2] = NanVar(pairs, -1); // MSCN_V_pair_L_var: values <= 0
        f[3] = sumSigma / N;
        f[4] = sumCv / N;
        f[5] = sumCeGray / N; f[6] = sumCeBy / N; f[7] = sumCeRg / N;
        f[8] = Entropy(grey);
        f[9] = sumId / N;
        f[10] = sumIs / N;
        double meanRg = Mean(rg), meanBy = Mean(by);
        double sdRg = Math.Sqrt(NanVar(rg, int.MinValue)), sdBy = Math.Sqrt(NanVar(by, int.MinValue));
        f[11] = Math.Sqrt(sdRg * sdRg + sdBy * sdBy) + 0.3 * Math.Sqrt(meanRg * meanRg + meanBy * meanBy);
    }

    static double Mean(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (var v in x) s += v;
        return s / x.Length;
    }

    /// <summary>MATLAB nanvar (n-1 normalisation; one sample -> 0; none -> NaN) over the values that pass the sign
    /// filter: sign +1 keeps v >= 0 (FADE sets v &lt; 0 to NaN), -1 keeps v &lt;= 0, int.MinValue keeps all non-NaN.</summary>
    internal static double NanVar(ReadOnlySpan<double> x, int sign)
    {
        double s = 0; int n = 0;
        foreach (var v in x)
            if (Keep(v, sign)) { s += v; n++; }
        if (n == 0) return double.NaN;
        if (n == 1) return 0;
        double mean = s / n, ss = 0;
        foreach (var v in x)
            if (Keep(v, sign)) { double d = v - mean; ss += d * d; }
        return ss / (n - 1);
    }

    static bool Keep(double v, int sign) => !double.IsNaN(v) && (sign == int.MinValue || (sign > 0 ? v >= 0 : v <= 0));

    /// <summary>HSV saturation (rgb2hsv): (max - min) / max, 0 where max = 0.</summary>
    static double Saturation(byte r, byte g, byte b)
    {
        int max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        return max == 0 ? 0 : (double)(max - min) / max;
    }

    /// <summary>entropy.m of uint8 values: -sum(p log2 p) over the non-empty bins of a 256-bin histogram, bins in
    /// ascending order (here: runs of the sorted values).</summary>
    static double Entropy(Span<byte> values)
    {
        values.Sort();
        double e = 0, n = values.Length;
        for (int i = 0; i < values.Length;)
        {
            int j = i;
            while (j < values.Length && values[j] == values[i]) j++;
            double p = (j - i) / n;
            e += p * Math.Log2(p);
            i = j;
        }
        return -e;
    }

    /// <summary>Mean over patches (NaN skipped, as nanmean) of sqrt((m / C_p) m'), m = mu_model - feat_p,
    /// C_p = (s_p + cov_model) / 2 with s_p the nanvar of the patch's 12 features (cov_temp3 in FADE.m).</summary>
    static double MeanDistance(double[] feat, int nPatches, MvgModel model)
    {
        var d = new double[nPatches];
        Parallel.For(0, (nPatches + 255) / 256, ParallelRows.Items, chunk =>
        {
            Span<double> m = stackalloc double[NFeatures];
            Span<double> c = stackalloc double[NFeatures * NFeatures];
            Span<double> x = stackalloc double[NFeatures];
            Span<double> work = stackalloc double[NFeatures * NFeatures];
            for (int p = chunk * 256; p < Math.Min(nPatches, chunk * 256 + 256); p++)
            {
                var fp = new ReadOnlySpan<double>(feat, p * NFeatures, NFeatures);
                double s = NanVar(fp, int.MinValue);
                for (int k = 0; k < NFeatures; k++) m[k] = model.Mu[k] - fp[k];
                for (int k = 0; k < c.Length; k++) c[k] = (s + model.Cov[k]) / 2;
                LinearAlgebra.RightDivide(m, c, NFeatures, x, work);
                double q = 0;
                for (int k = 0; k < NFeatures; k++) q += x[k] * m[k];
                d[p] = Math.Sqrt(q);
            }
        });
        double sum = 0; int count = 0;
        foreach (var v in d) if (!double.IsNaN(v)) { sum += v; count++; }
        return sum / count;
    }
}
