namespace Ridcp.Tests.Bricks.Deformable;

/// <summary>A direct loop implementation, in double, of the modulated deformable convolution as torchvision's CPU
/// kernel (deform_conv2d, bilinear_interpolate) defines it: written from that definition, independent of the
/// tensor formulation under test.</summary>
internal static class NaiveDeformConv
{
    public static double[] Run(double[] x, int b, int c, int h, int w, double[] offset, double[] mask, double[] weight,
                               int cOut, int kh, int kw, double[]? bias, int stride, int pad, int dil, int dg,
                               out int hOut, out int wOut)
    {
        int ho = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, wo = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        hOut = ho; wOut = wo;
        int k = kh * kw, cg = c / dg;
        var y = new double[b * cOut * ho * wo];
        for (int n = 0; n < b; n++)
            for (int co = 0; co < cOut; co++)
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++)
                    {
                        double sum = bias?[co] ?? 0;
                        for (int ci = 0; ci < c; ci++)
                        {
                            int g = ci / cg;
                            for (int i = 0; i < kh; i++)
                                for (int j = 0; j < kw; j++)
                                {
                                    int kp = i * kw + j;
                                    double dy = offset[(((n * dg * 2 * k) + g * 2 * k + 2 * kp) * ho + oy) * wo + ox];
                                    double dx = offset[(((n * dg * 2 * k) + g * 2 * k + 2 * kp + 1) * ho + oy) * wo + ox];
                                    double m = mask[(((n * dg * k) + g * k + kp) * ho + oy) * wo + ox];
                                    double py = oy * stride - pad + i * dil + dy, px = ox * stride - pad + j * dil + dx;
                                    double v = Bilinear(x, ((n * c) + ci) * h * w, h, w, py, px);
                                    sum += weight[((co * c + ci) * kh + i) * kw + j] * m * v;
                                }
                        }
                        y[((n * cOut + co) * ho + oy) * wo + ox] = sum;
                    }
        return y;
    }

    private static double Bilinear(double[] x, int plane, int h, int w, double py, double px)
    {
        if (py <= -1 || h <= py || px <= -1 || w <= px) return 0;
        int y0 = (int)Math.Floor(py), x0 = (int)Math.Floor(px), y1 = y0 + 1, x1 = x0 + 1;
        double ly = py - y0, lx = px - x0, hy = 1 - ly, hx = 1 - lx;
        double v1 = y0 >= 0 && x0 >= 0 ? x[plane + y0 * w + x0] : 0;
        double v2 = y0 >= 0 && x1 <= w - 1 ? x[plane + y0 * w + x1] : 0;
        double v3 = y1 <= h - 1 && x0 >= 0 ? x[plane + y1 * w + x0] : 0;
        double v4 = y1 <= h - 1 && x1 <= w - 1 ? x[plane + y1 * w + x1] : 0;
        return hy * hx * v1 + hy * lx * v2 + ly * hx * v3 + ly * lx * v4;
    }
}
