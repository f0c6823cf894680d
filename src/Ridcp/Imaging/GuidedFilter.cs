namespace Ridcp.Imaging;

/// <summary>The guided filter with a grey guide (He, Sun, Tang, "Guided Image Filtering", ECCV 2010 / TPAMI 2013,
/// Algorithm 1): q = mean_a .* I + mean_b with a = cov(I,p) / (var(I) + eps), b = mean_p - a mean_I, all means over
/// (2r+1)^2 windows clipped at the border (box sums divided by the pixel count N, as the authors' code does).
/// Images are float; window sums run in double. Used by the dark channel prior (transmission refinement) and the
/// outdoor depth prior of the synthesis (edge-aware depth).</summary>
public static class GuidedFilter
{
    public static float[] Apply(float[] guide, float[] input, int width, int height, int radius, double epsilon)
    {
        int n = width * height;
        if (guide.Length != n || input.Length != n) throw new ArgumentException("guide and input must both have width*height values");
        var ip = new float[n]; var ii = new float[n];
        for (int k = 0; k < n; k++) { ip[k] = guide[k] * input[k]; ii[k] = guide[k] * guide[k]; }
        var meanI = BoxMean(guide, width, height, radius);
        var meanP = BoxMean(input, width, height, radius);
        var corrIp = BoxMean(ip, width, height, radius);
        var corrII = BoxMean(ii, width, height, radius);
        var a = ip; var b = ii; // reuse
        for (int k = 0; k < n; k++)
        {
            double cov = corrIp[k] - (double)meanI[k] * meanP[k];
            double var = corrII[k] - (double)meanI[k] * meanI[k];
            double ak = cov / (var + epsilon);
            a[k] = (float)ak;
            b[k] = (float)(meanP[k] - ak * meanI[k]);
        }
        var meanA = BoxMean(a, width, height, radius);
        var meanB = BoxMean(b, width, height, radius);
        var q = new float[n];
        for (int k = 0; k < n; k++) q[k] = (float)((double)meanA[k] * guide[k] + meanB[k]);
        return q;
    }

    /// <summary>Mean over the clipped (2r+1)^2 window in O(1) per pixel: running window sums down the columns, then
    /// along the rows, divided by the number of pixels inside the window.</summary>
    public static float[] BoxMean(float[] x, int w, int h, int r)
    {
        var sums = BoxSum(x, w, h, r);
        var mean = new float[w * h];
        for (int y = 0; y < h; y++)
        {
            int ny = Math.Min(h - 1, y + r) - Math.Max(0, y - r) + 1;
            for (int c = 0; c < w; c++)
            {
                int nx = Math.Min(w - 1, c + r) - Math.Max(0, c - r) + 1;
                mean[y * w + c] = (float)(sums[y * w + c] / (nx * ny));
            }
        }
        return mean;
    }

    /// <summary>Sum over the clipped (2r+1)^2 window (running sums in double).</summary>
    internal static double[] BoxSum(float[] x, int w, int h, int r)
    {
        var vert = new double[w * h];
        var col = new double[w];
        // Window [y-r, y+r] ∩ [0, h-1]: start with rows 0..r-1, then add row y+r and drop row y-r-1.
        for (int y = 0; y < Math.Min(r, h); y++) for (int c = 0; c < w; c++) col[c] += x[y * w + c];
        for (int y = 0; y < h; y++)
        {
            int add = y + r, drop = y - r - 1;
            if (add < h) for (int c = 0; c < w; c++) col[c] += x[add * w + c];
            if (drop >= 0) for (int c = 0; c < w; c++) col[c] -= x[drop * w + c];
            Array.Copy(col, 0, vert, y * w, w);
        }
        var result = new double[w * h];
        Parallel.For(0, h, y =>
        {
            double s = 0;
            int row = y * w;
            for (int c = 0; c < Math.Min(r, w); c++) s += vert[row + c];
            for (int c = 0; c < w; c++)
            {
                int add = c + r, drop = c - r - 1;
                if (add < w) s += vert[row + add];
                if (drop >= 0) s -= vert[row + drop];
                result[row + c] = s;
            }
        });
        return result;
    }
}
