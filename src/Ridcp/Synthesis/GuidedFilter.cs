namespace Ridcp.Synthesis;

/// <summary>The grey-guide guided filter of He, Sun and Tang ("Guided Image Filtering", TPAMI 2013, Algorithm 1):
/// q = mean(a)·I + mean(b), a = cov(I,p)/(var(I) + ε), b = mean(p) − a·mean(I), all means over (2r+1)² windows.
/// An edge-aware smoother: the output follows the guide's edges.</summary>
public static class GuidedFilter
{
    public static float[] Apply(float[] guide, float[] input, int width, int height, int radius, double epsilon)
    {
        int n = width * height;
        if (guide.Length != n || input.Length != n) throw new ArgumentException("guide and input must be width*height");
        var ip = new float[n]; var ii = new float[n];
        for (int i = 0; i < n; i++) { ip[i] = guide[i] * input[i]; ii[i] = guide[i] * guide[i]; }
        var meanI = BoxMean(guide, width, height, radius);
        var meanP = BoxMean(input, width, height, radius);
        var meanIp = BoxMean(ip, width, height, radius);
        var meanII = BoxMean(ii, width, height, radius);
        var a = ip; var b = ii; // reuse buffers
        float eps = (float)epsilon;
        for (int i = 0; i < n; i++)
        {
            float cov = meanIp[i] - meanI[i] * meanP[i];
            float var = meanII[i] - meanI[i] * meanI[i];
            a[i] = cov / (var + eps);
            b[i] = meanP[i] - a[i] * meanI[i];
        }
        var meanA = BoxMean(a, width, height, radius);
        var meanB = BoxMean(b, width, height, radius);
        var q = new float[n];
        for (int i = 0; i < n; i++) q[i] = meanA[i] * guide[i] + meanB[i];
        return q;
    }

    /// <summary>Mean over the (2r+1)² window clipped to the image (each pixel divided by its own window's size),
    /// by running sums along rows then columns: O(1) per pixel whatever the radius.</summary>
    public static float[] BoxMean(float[] src, int width, int height, int radius)
    {
        var tmp = new double[width * height];
        var dst = new float[width * height];
        var acc = new double[Math.Max(width, height) + 1];
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            acc[0] = 0;
            for (int x = 0; x < width; x++) acc[x + 1] = acc[x] + src[row + x];
            for (int x = 0; x < width; x++)
            {
                int lo = Math.Max(0, x - radius), hi = Math.Min(width, x + radius + 1);
                tmp[row + x] = (acc[hi] - acc[lo]) / (hi - lo);
            }
        }
        for (int x = 0; x < width; x++)
        {
            acc[0] = 0;
            for (int y = 0; y < height; y++) acc[y + 1] = acc[y] + tmp[y * width + x];
            for (int y = 0; y < height; y++)
            {
                int lo = Math.Max(0, y - radius), hi = Math.Min(height, y + radius + 1);
                dst[y * width + x] = (float)((acc[hi] - acc[lo]) / (hi - lo));
            }
        }
        return dst;
    }
}
