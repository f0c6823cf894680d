using System.Numerics;

namespace Ridcp.Metrics.Live;

/// <summary>MATLAB <c>imresize(I, 0.5)</c> on a double image: bicubic (a = -0.5) with antialiasing (the kernel
/// stretched by 1/scale), symmetric border, no rounding; rows first, then columns (MATLAB resizes the dimensions in
/// order of scale, equal scales in dimension order). Ported from the algorithm of MATLAB's imresize.m
/// (<c>contributions</c>, <c>cubic</c>) as the LIVE NIQE/BRISQUE releases use it.</summary>
internal static class MatlabResize
{
    public static (double[] Image, int Height, int Width) Half(double[] src, int height, int width)
    {
        int oh = (int)Math.Ceiling(height * 0.5), ow = (int)Math.Ceiling(width * 0.5);
        var (rowIdx, rowW, rowTaps) = Contributions(height, oh, 0.5);
        var (colIdx, colW, colTaps) = Contributions(width, ow, 0.5);

        // Along dimension 1 (rows): tmp[oh, width].
        var tmp = new double[oh * width];
        Parallel.For(0, oh, ParallelRows.Options(oh, width), y =>
        {
            var dst = tmp.AsSpan(y * width, width);
            for (int t = 0; t < rowTaps; t++)
            {
                double wt = rowW[y * rowTaps + t];
                var srcRow = new ReadOnlySpan<double>(src, rowIdx[y * rowTaps + t] * width, width);
                if (t == 0) MultiplyInto(dst, srcRow, wt);
                else AddProduct(dst, srcRow, wt);
            }
        });
        // Along dimension 2 (columns).
        var dstImg = new double[oh * ow];
        Parallel.For(0, oh, ParallelRows.Options(oh, ow), y =>
        {
            var srcRow = new ReadOnlySpan<double>(tmp, y * width, width);
            for (int x = 0; x < ow; x++)
            {
                double s = 0;
                for (int t = 0; t < colTaps; t++) s += colW[x * colTaps + t] * srcRow[colIdx[x * colTaps + t]];
                dstImg[y * ow + x] = s;
            }
        });
        return (dstImg, oh, ow);
    }

    static void MultiplyInto(Span<double> dst, ReadOnlySpan<double> x, double a)
    {
        int i = 0, vc = Vector<double>.Count;
        var va = new Vector<double>(a);
        for (; i + vc <= dst.Length; i += vc) (va * new Vector<double>(x.Slice(i))).CopyTo(dst.Slice(i));
        for (; i < dst.Length; i++) dst[i] = a * x[i];
    }

    /// <summary>dst += a*x with the product rounded before the sum (two roundings, as the scalar code it replaces).</summary>
    static void AddProduct(Span<double> dst, ReadOnlySpan<double> x, double a)
    {
        int i = 0, vc = Vector<double>.Count;
        var va = new Vector<double>(a);
        for (; i + vc <= dst.Length; i += vc)
        {
            var prod = va * new Vector<double>(x.Slice(i));
            (new Vector<double>(dst.Slice(i)) + prod).CopyTo(dst.Slice(i));
        }
        for (; i < dst.Length; i++) { double prod = a * x[i]; dst[i] = dst[i] + prod; }
    }

    /// <summary>imresize.m <c>contributions</c>: per output index, the input indices (0-based, mirrored) and the
    /// normalised weights, with tap columns that are zero for every output removed.</summary>
    static (int[] Index, double[] Weight, int Taps) Contributions(int inLength, int outLength, double scale)
    {
        double kernelWidth = 4.0 / scale; // antialiasing widens the bicubic kernel (width 4) by 1/scale
        int p = (int)Math.Ceiling(kernelWidth) + 2;
        var idx = new int[outLength * p];
        var wts = new double[outLength * p];
        for (int i = 0; i < outLength; i++)
        {
            double x = i + 1; // MATLAB 1-based output coordinate
            double u = x / scale + 0.5 * (1 - 1 / scale);
            double left = Math.Floor(u - kernelWidth / 2);
            double sum = 0;
            for (int k = 0; k < p; k++)
            {
                double index = left + k;
                double w = scale * Cubic(scale * (u - index));
                wts[i * p + k] = w;
                idx[i * p + k] = Mirror((int)index, inLength);
            }
            for (int k = 0; k < p; k++) sum += wts[i * p + k];
            for (int k = 0; k < p; k++) wts[i * p + k] /= sum;
        }
        var keep = new List<int>();
        for (int k = 0; k < p; k++)
        {
            bool any = false;
            for (int i = 0; i < outLength; i++) any |= wts[i * p + k] != 0;
            if (any) keep.Add(k);
        }
        int taps = keep.Count;
        var idx2 = new int[outLength * taps];
        var wts2 = new double[outLength * taps];
        for (int i = 0; i < outLength; i++)
            for (int t = 0; t < taps; t++)
            {
                idx2[i * taps + t] = idx[i * p + keep[t]];
                wts2[i * taps + t] = wts[i * p + keep[t]];
            }
        return (idx2, wts2, taps);
    }

    /// <summary>1-based index mirrored as aux = [1:n, n:-1:1], returned 0-based.</summary>
    static int Mirror(int index1, int n)
    {
        int m = 2 * n;
        int k = ((index1 - 1) % m + m) % m;
        return k < n ? k : m - 1 - k;
    }

    /// <summary>Keys' cubic convolution kernel with a = -0.5 (imresize.m <c>cubic</c>).</summary>
    static double Cubic(double x)
    {
        double ax = Math.Abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }
}
