namespace Ridcp.Metrics.Live;

/// <summary>Perceived contrast energy (FADE's CE.m; Groen et al.): per opponent channel, the gradient magnitude of a
/// 20-tap LoG-like filter, rectified and normalised, minus a noise threshold.</summary>
internal static class ContrastEnergy
{
    const double Sigma = 3.25;
    const double SemiSaturation = 0.1;
    const int Border = 10; // border_in/border_out with ps = 20: 10 rows/columns copied (not mirrored) on each side

    /// <summary>Noise thresholds of CE.m (EmpiricalNoiseThreshold * 255) for gray, by, rg.</summary>
    static readonly double[] Thresholds = [9.225496406318721e-004 * 255, 8.969246659629488e-004 * 255, 2.069284034165411e-004 * 255];

    static readonly double[] Gx = BuildKernel();

    /// <summary>CE.m's Gx: x = -9.75:1:9.25, Gaussian sigma 3.25 normalised, LoG = (x^2/s^4 - 1/s^2) G, made zero-mean,
    /// scaled so that sum(0.5 x^2 Gx) = 1.</summary>
    static double[] BuildKernel()
    {
        const int n = 20;
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = -9.75 + i;
        var g = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            g[i] = 1 / (Math.Sqrt(2 * Math.PI) * Sigma) * Math.Exp(x[i] * x[i] / (-2 * Sigma * Sigma));
        }
        for (int i = 0; i < n; i++) s += g[i];
        for (int i = 0; i < n; i++) g[i] /= s;
        var gx = new double[n];
        double s4 = Math.Pow(Sigma, 4), s2 = Math.Pow(Sigma, 2);
        for (int i = 0; i < n; i++) gx[i] = (x[i] * x[i] / s4 - 1 / s2) * g[i];
        double sum = 0;
        for (int i = 0; i < n; i++) sum += gx[i];
        for (int i = 0; i < n; i++) gx[i] -= sum / n;
        double norm = 0;
        for (int i = 0; i < n; i++) norm += 0.5 * x[i] * x[i] * gx[i];
        for (int i = 0; i < n; i++) gx[i] /= norm;
        return gx;
    }

    /// <summary>CE maps (gray, by, rg) of an 8-bit RGB image given as doubles (planar, H*W each).</summary>
    public static double[][] Compute(double[] r, double[] g, double[] b, int height, int width)
    {
        int n = height * width;
        var gray = new double[n]; var by = new double[n]; var rg = new double[n];
        for (int i = 0; i < n; i++)
        {
            gray[i] = 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i];
            by[i] = 0.5 * r[i] + 0.5 * g[i] - b[i];
            rg[i] = r[i] - g[i];
        }
        var maps = new[] { gray, by, rg };
        var result = new double[3][];
        Parallel.For(0, 3, ParallelRows.Items, c => result[c] = Channel(maps[c], height, width, Thresholds[c]));
        return result;
    }

    static double[] Channel(double[] src, int height, int width, double threshold)
    {
        int pw = width + 2 * Border;
        var padded = BorderIn(src, height, width);
        // conv2(P, Gx, 'same') and conv2(P, Gx', 'same') evaluated only where border_out keeps them. Octave adds the
        // terms in input order (dconv2o): along a row input column ascending = Gx index descending, down a column
        // Gx index ascending; each step a fused daxpy (see OctaveFilter). No tap reaches outside P there.
        var rowW = new double[20]; var rowOff = new int[20];
        var colW = new double[20]; var colOff = new int[20];
        for (int t = 0; t < 20; t++)
        {
            int j = 19 - t;
            rowW[t] = Gx[j]; rowOff[t] = 20 - j;            // P(y+10, x+20-j)
            colW[t] = Gx[t]; colOff[t] = (20 - t) * pw + 10; // P(y+20-i, x+10)
        }
        var c = new double[height * width];
        Parallel.For(0, height, ParallelRows.Options(height, width), y =>
        {
            Span<double> cx = width <= 4096 ? stackalloc double[width] : new double[width];
            Span<double> cy = width <= 4096 ? stackalloc double[width] : new double[width];
            OctaveFilter.FusedTaps(padded, (y + Border) * pw, rowW, rowOff, cx);
            OctaveFilter.FusedTaps(padded, y * pw, colW, colOff, cy);
            var dst = c.AsSpan(y * width, width);
            for (int x = 0; x < width; x++) dst[x] = Math.Sqrt(cx[x] * cx[x] + cy[x] * cy[x]);
        });
        double max = double.NegativeInfinity;
        foreach (var v in c) if (v > max) max = v;
        var ce = new double[height * width];
        for (int i = 0; i < c.Length; i++)
        {
            double resp = c[i] * max / (c[i] + max * SemiSaturation) - threshold;
            ce[i] = resp > 0.0000001 ? resp : 0;
        }
        return ce;
    }

    /// <summary>border_in.m: the first 10 and last 10 rows, then columns, copied outside (block copy, not mirrored).</summary>
    static double[] BorderIn(double[] src, int height, int width)
    {
        int ph = height + 2 * Border, pw = width + 2 * Border;
        var p = new double[ph * pw];
        for (int py = 0; py < ph; py++)
        {
            // rows: [I(1:10); I; I(end-9:end)], then the same for columns
            int sy = py < Border ? py : py - Border < height ? py - Border : height - Border + (py - Border - height);
            for (int px = 0; px < pw; px++)
            {
                int sx = px < Border ? px : px - Border < width ? px - Border : width - Border + (px - Border - width);
                p[py * pw + px] = src[sy * width + sx];
            }
        }
        return p;
    }
}
