using Ridcp.Imaging;

namespace Ridcp.Metrics;

/// <summary>PSNR and SSIM with BasicSR's conventions (basicsr/metrics/psnr_ssim.py): 8-bit values as doubles in
/// [0,255], <c>crop_border</c> pixels dropped on each side, all RGB channels or the BT.601 Y channel of YCbCr.</summary>
public static class FullReference
{
    /// <summary>PSNR in dB, 10 log10(255^2 / MSE) over all pixels and channels; identical images give +infinity.</summary>
    public static double Psnr(RgbImage prediction, RgbImage reference, int cropBorder = 0, bool yChannel = false)
    {
        var (a, b, channels, h, w) = Prepare(prediction, reference, cropBorder, yChannel);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; sum += d * d; }
        double mse = sum / a.Length;
        if (mse == 0) return double.PositiveInfinity;
        return 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>SSIM (Wang et al. 2004) as BasicSR computes it: per channel, 11x11 Gaussian window sigma 1.5
    /// (cv2.getGaussianKernel outer product), valid region only, C1 = (0.01*255)^2, C2 = (0.03*255)^2, mean of the
    /// map, then mean over channels. Identical images give exactly 1.</summary>
    public static double Ssim(RgbImage prediction, RgbImage reference, int cropBorder = 0, bool yChannel = false)
    {
        var (a, b, channels, h, w) = Prepare(prediction, reference, cropBorder, yChannel);
        if (h < 11 || w < 11) throw new ArgumentException($"SSIM needs at least 11x11 pixels after cropping, got {w}x{h}");
        int plane = h * w;
        double total = 0;
        for (int c = 0; c < channels; c++)
            total += SsimChannel(a[(c * plane)..((c + 1) * plane)], b[(c * plane)..((c + 1) * plane)], h, w);
        return total / channels;
    }

    static double SsimChannel(double[] x, double[] y, int h, int w)
    {
        const double c1 = 0.01 * 255 * (0.01 * 255), c2 = 0.03 * 255 * (0.03 * 255);
        var k = GaussianKernel11();
        int n = h * w;
        var xx = new double[n]; var yy = new double[n]; var xy = new double[n];
        for (int i = 0; i < n; i++) { xx[i] = x[i] * x[i]; yy[i] = y[i] * y[i]; xy[i] = x[i] * y[i]; }
        var mx = ValidGaussian(x, h, w, k); var my = ValidGaussian(y, h, w, k);
        var sxx = ValidGaussian(xx, h, w, k); var syy = ValidGaussian(yy, h, w, k); var sxy = ValidGaussian(xy, h, w, k);
        double sum = 0;
        for (int i = 0; i < mx.Length; i++)
        {
            double m1 = mx[i], m2 = my[i];
            double m11 = m1 * m1, m22 = m2 * m2, m12 = m1 * m2;
            double s11 = sxx[i] - m11, s22 = syy[i] - m22, s12 = sxy[i] - m12;
            sum += (2 * m12 + c1) * (2 * s12 + c2) / ((m11 + m22 + c1) * (s11 + s22 + c2));
        }
        return sum / mx.Length;
    }

    /// <summary>cv2.getGaussianKernel(11, 1.5): exp(-(i-5)^2 / (2*1.5^2)) normalised to sum 1.</summary>
    static double[] GaussianKernel11()
    {
        var k = new double[11];
        double s = 0;
        for (int i = 0; i < 11; i++) { k[i] = Math.Exp(-(i - 5) * (i - 5) / (2 * 1.5 * 1.5)); s += k[i]; }
        for (int i = 0; i < 11; i++) k[i] /= s;
        return k;
    }

    /// <summary>Separable Gaussian over the valid region ((h-10) x (w-10)); equals cv2.filter2D(...)[5:-5, 5:-5] up to
    /// rounding (a separable sum in another order: ~1e-16 relative).</summary>
    static double[] ValidGaussian(double[] src, int h, int w, double[] k)
    {
        int oh = h - 10, ow = w - 10;
        var vOffsets = Enumerable.Range(0, 11).Select(t => t * w).ToArray();
        var hOffsets = Enumerable.Range(0, 11).ToArray();
        var tmp = new double[oh * w];
        var dst = new double[oh * ow];
        Parallel.For(0, oh, ParallelRows.Options(oh, w), y =>
        {
            Live.OctaveFilter.FusedTaps(src, y * w, k, vOffsets, tmp.AsSpan(y * w, w));
            Live.OctaveFilter.FusedTaps(tmp, y * w, k, hOffsets, dst.AsSpan(y * ow, ow));
        });
        return dst;
    }

    static (double[] A, double[] B, int Channels, int H, int W) Prepare(RgbImage p, RgbImage r, int crop, bool yChannel)
    {
        if (p.Width != r.Width || p.Height != r.Height)
            throw new ArgumentException($"image sizes differ: prediction {p.Width}x{p.Height}, reference {r.Width}x{r.Height}");
        if (crop < 0) throw new ArgumentException($"crop_border must be >= 0, got {crop}");
        int h = p.Height - 2 * crop, w = p.Width - 2 * crop;
        if (h <= 0 || w <= 0) throw new ArgumentException($"crop_border {crop} leaves nothing of a {p.Width}x{p.Height} image");
        var a = Channels(p, crop, h, w, yChannel);
        var b = Channels(r, crop, h, w, yChannel);
        return (a, b, yChannel ? 1 : 3, h, w);
    }

    static double[] Channels(RgbImage img, int crop, int h, int w, bool yChannel)
    {
        var bytes = MatlabImage.ToUint8Planes(img);
        int plane = img.Width * img.Height;
        int channels = yChannel ? 1 : 3;
        if (yChannel)
        {
            var yy = YChannel(bytes, plane);
            if (crop == 0) return yy;
            var cropped = new double[h * w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) cropped[y * w + x] = yy[(y + crop) * img.Width + x + crop];
            return cropped;
        }
        var dst = new double[channels * h * w];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < h; y++)
            {
                int s = c * plane + (y + crop) * img.Width + crop, d = (c * h + y) * w;
                for (int x = 0; x < w; x++) dst[d + x] = bytes[s + x];
            }
        return dst;
    }

    /// <summary>BT.601 Y of YCbCr in [16,235] from 8-bit planes, as BasicSR's bgr2ycbcr(y_only=True) * 255 (in double;
    /// BasicSR's float32 differs by &lt;1e-6 dB PSNR here, per metrics-ref full_reference_comparison_stats).</summary>
    internal static double[] YChannel(byte[] planes, int plane)
    {
        var y = new double[plane];
        for (int i = 0; i < plane; i++)
            y[i] = (65.481 * planes[i] + 128.553 * planes[plane + i] + 24.966 * planes[2 * plane + i]) / 255.0 + 16.0;
        return y;
    }
}
