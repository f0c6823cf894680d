namespace Ridcp.Baselines;

/// <summary>Square minimum filter (grey erosion) in O(1) per pixel whatever the window: the van Herk / Gil-Werman
/// algorithm (van Herk 1992; Gil and Werman 1993), run along rows then columns. Pixels outside the image are ignored
/// (the window is clipped), as MATLAB's imerode pads with +inf.</summary>
public static class MinFilter
{
    public static float[] Apply(float[] src, int width, int height, int windowSize)
    {
        if (windowSize < 1 || windowSize % 2 == 0) throw new ArgumentException($"window size must be odd and positive, got {windowSize}");
        var tmp = new float[src.Length];
        var dst = new float[src.Length];
        Parallel.For(0, height, y =>
        {
            var line = new float[width]; var outLine = new float[width];
            Array.Copy(src, y * width, line, 0, width);
            MinLine(line, outLine, windowSize);
            Array.Copy(outLine, 0, tmp, y * width, width);
        });
        Parallel.For(0, width, x =>
        {
            var line = new float[height]; var outLine = new float[height];
            for (int y = 0; y < height; y++) line[y] = tmp[y * width + x];
            MinLine(line, outLine, windowSize);
            for (int y = 0; y < height; y++) dst[y * width + x] = outLine[y];
        });
        return dst;
    }

    /// <summary>1-D running minimum over [i - r, i + r]: prefix minima g within blocks of k = 2r+1 and suffix minima h;
    /// then min(h[i - r], g[i + r]) covers the window exactly (it spans at most two blocks).</summary>
    internal static void MinLine(float[] line, float[] result, int k)
    {
        int n = line.Length, r = k / 2, m = n + 2 * r;
        int padded = (m + k - 1) / k * k;
        var f = new float[padded];
        for (int i = 0; i < padded; i++) f[i] = float.PositiveInfinity;
        Array.Copy(line, 0, f, r, n);
        var g = new float[padded]; var h = new float[padded];
        for (int b = 0; b < padded; b += k)
        {
            g[b] = f[b];
            for (int i = b + 1; i < b + k; i++) g[i] = Math.Min(g[i - 1], f[i]);
            h[b + k - 1] = f[b + k - 1];
            for (int i = b + k - 2; i >= b; i--) h[i] = Math.Min(h[i + 1], f[i]);
        }
        // Output i covers padded indices [i, i + k - 1].
        for (int i = 0; i < n; i++) result[i] = Math.Min(h[i], g[i + k - 1]);
    }
}
