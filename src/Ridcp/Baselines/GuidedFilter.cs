namespace Ridcp.Baselines;

/// <summary>The guided filter with a grey guide (He, Sun, Tang, "Guided Image Filtering", ECCV 2010 / TPAMI 2013,
/// Algorithm 1): q = mean_a .* I + mean_b with a = cov(I,p) / (var(I) + eps), b = mean_p - a mean_I, all means over
/// (2r+1)^2 windows clipped at the border (box sums divided by the pixel count N, as the authors' code does).</summary>
public static class GuidedFilter
{
    public static float[] Apply(float[] guide, float[] input, int width, int height, int radius, double epsilon)
    {
        int n = width * height;
        var ones = new double[n]; Array.Fill(ones, 1.0);
        var count = BoxSum(ones, width, height, radius);
        var i = ToDouble(guide); var p = ToDouble(input);
        var ip = new double[n]; var ii = new double[n];
        for (int k = 0; k < n; k++) { ip[k] = i[k] * p[k]; ii[k] = i[k] * i[k]; }
        var meanI = Mean(i, count, width, height, radius);
        var meanP = Mean(p, count, width, height, radius);
        var corrIp = Mean(ip, count, width, height, radius);
        var corrII = Mean(ii, count, width, height, radius);
        var a = new double[n]; var b = new double[n];
        for (int k = 0; k < n; k++)
        {
            double cov = corrIp[k] - meanI[k] * meanP[k];
            double var = corrII[k] - meanI[k] * meanI[k];
            a[k] = cov / (var + epsilon);
            b[k] = meanP[k] - a[k] * meanI[k];
        }
        var meanA = Mean(a, count, width, height, radius);
        var meanB = Mean(b, count, width, height, radius);
        var q = new float[n];
        for (int k = 0; k < n; k++) q[k] = (float)(meanA[k] * i[k] + meanB[k]);
        return q;
    }

    static double[] ToDouble(float[] x) { var d = new double[x.Length]; for (int k = 0; k < x.Length; k++) d[k] = x[k]; return d; }

    static double[] Mean(double[] x, double[] count, int w, int h, int r)
    {
        var s = BoxSum(x, w, h, r);
        for (int k = 0; k < s.Length; k++) s[k] /= count[k];
        return s;
    }

    /// <summary>Sum over the clipped (2r+1)^2 window in O(1) per pixel (running sums along columns, then rows).</summary>
    internal static double[] BoxSum(double[] x, int w, int h, int r)
    {
        var cum = new double[(h + 1) * w];
        for (int y = 0; y < h; y++)
            for (int c = 0; c < w; c++) cum[(y + 1) * w + c] = cum[y * w + c] + x[y * w + c];
        var vert = new double[h * w];
        for (int y = 0; y < h; y++)
        {
            int y0 = Math.Max(0, y - r), y1 = Math.Min(h - 1, y + r);
            for (int c = 0; c < w; c++) vert[y * w + c] = cum[(y1 + 1) * w + c] - cum[y0 * w + c];
        }
        var result = new double[h * w];
        var row = new double[w + 1];
        for (int y = 0; y < h; y++)
        {
            for (int c = 0; c < w; c++) row[c + 1] = row[c] + vert[y * w + c];
            for (int c = 0; c < w; c++)
            {
                int c0 = Math.Max(0, c - r), c1 = Math.Min(w - 1, c + r);
                result[y * w + c] = row[c1 + 1] - row[c0];
            }
        }
        return result;
    }
}
