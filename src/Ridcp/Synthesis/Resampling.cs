namespace Ridcp.Synthesis;

/// <summary>Single-plane resampling with half-pixel centres (src = (dst + 0.5)/scale − 0.5, edges clamped), the
/// convention of OpenCV's resize.</summary>
public static class Resampling
{
    public static float[] Bilinear(float[] src, int sw, int sh, int dw, int dh)
    {
        var dst = new float[dw * dh];
        double sx = (double)sw / dw, sy = (double)sh / dh;
        var x0 = new int[dw]; var x1 = new int[dw]; var fx = new float[dw];
        for (int x = 0; x < dw; x++)
        {
            double p = Math.Max(0, (x + 0.5) * sx - 0.5);
            int i = Math.Min((int)p, sw - 1);
            x0[x] = i; x1[x] = Math.Min(i + 1, sw - 1); fx[x] = (float)(p - i);
        }
        for (int y = 0; y < dh; y++)
        {
            double p = Math.Max(0, (y + 0.5) * sy - 0.5);
            int j = Math.Min((int)p, sh - 1), j1 = Math.Min(j + 1, sh - 1);
            float fy = (float)(p - j);
            int r0 = j * sw, r1 = j1 * sw, o = y * dw;
            for (int x = 0; x < dw; x++)
            {
                float a = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * fx[x];
                float b = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * fx[x];
                dst[o + x] = a + (b - a) * fy;
            }
        }
        return dst;
    }

    /// <summary>Cubic convolution weights with a = −0.75 (OpenCV's INTER_CUBIC).</summary>
    internal static void CubicWeights(double t, Span<float> w)
    {
        const double A = -0.75;
        double x0 = t + 1, x1 = t, x2 = 1 - t, x3 = 2 - t;
        w[0] = (float)(((A * x0 - 5 * A) * x0 + 8 * A) * x0 - 4 * A);
        w[1] = (float)(((A + 2) * x1 - (A + 3)) * x1 * x1 + 1);
        w[2] = (float)(((A + 2) * x2 - (A + 3)) * x2 * x2 + 1);
        w[3] = 1f - w[0] - w[1] - w[2];
    }

    /// <summary>Bicubic resampling of a window of a planar CHW image scaled by <paramref name="factor"/>: returns the
    /// pixels [top, top+outH) × [left, left+outW) of the whole image resized by factor, computing only those (the
    /// official augmentation resizes the whole image and then crops; the result is the same). Coordinates map as in
    /// cv2.resize(fx=fy=factor): src = (dst + 0.5)/factor − 0.5, neighbours clamped at the borders.</summary>
    public static float[] BicubicWindow(float[] src, int channels, int sw, int sh, double factor, int left, int top, int outW, int outH)
    {
        var dst = new float[channels * outW * outH];
        var xi = new int[outW * 4]; var xw = new float[outW * 4];
        Span<float> w = stackalloc float[4];
        for (int x = 0; x < outW; x++)
        {
            double p = (left + x + 0.5) / factor - 0.5;
            int i = (int)Math.Floor(p);
            CubicWeights(p - i, w);
            for (int k = 0; k < 4; k++) { xi[4 * x + k] = Math.Clamp(i - 1 + k, 0, sw - 1); xw[4 * x + k] = w[k]; }
        }
        int splane = sw * sh, dplane = outW * outH;
        for (int y = 0; y < outH; y++)
        {
            double p = (top + y + 0.5) / factor - 0.5;
            int j = (int)Math.Floor(p);
            CubicWeights(p - j, w);
            float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
            int r0 = Math.Clamp(j - 1, 0, sh - 1) * sw, r1 = Math.Clamp(j, 0, sh - 1) * sw,
                r2 = Math.Clamp(j + 1, 0, sh - 1) * sw, r3 = Math.Clamp(j + 2, 0, sh - 1) * sw;
            for (int c = 0; c < channels; c++)
            {
                int so = c * splane, o = c * dplane + y * outW;
                for (int x = 0; x < outW; x++)
                {
                    float acc = 0;
                    for (int k = 0; k < 4; k++)
                    {
                        int ix = so + xi[4 * x + k];
                        float col = w0 * src[ix + r0] + w1 * src[ix + r1] + w2 * src[ix + r2] + w3 * src[ix + r3];
                        acc += xw[4 * x + k] * col;
                    }
                    dst[o + x] = acc;
                }
            }
        }
        return dst;
    }
}
