using System.Numerics;

namespace Ridcp.Metrics.Live;

/// <summary>The 7x7 filtering of the LIVE releases, with the summation order of the Octave run that produced the
/// reference values.</summary>
/// <remarks>
/// FADE, NIQE and BRISQUE split MSCN coefficients by sign; on constant 7x7 areas the coefficient I - mu is 0 only in
/// exact arithmetic and otherwise +-1e-14 with a sign set by the filter's summation order (metrics-ref README,
/// "numerical_conditioning"). So the order is part of the metric. Octave's <c>conv2</c> (liboctave oct-convn.cc,
/// blas-xtra dconv2.f) accumulates one kernel tap at a time over a whole column with <c>daxpy</c>:
/// <list type="bullet">
/// <item><c>imfilter(I, w, 'replicate')</c> pads by 3 and calls the "valid" (inner) convolution <c>dconv2i</c>: for
/// each output, taps in order column offset +3..-3, and within it row offset +3..-3.</item>
/// <item><c>filter2(w, I, 'same')</c> (BRISQUE, zero padding) is <c>conv2(I, rot90(w,2), 'same')</c>: the full (outer)
/// convolution <c>dconv2o</c>, then cropped; per output the taps come in order column offset -3..+3, and within it
/// row offset +3..-3, out-of-image taps being absent (adding a zero product changes nothing).</item>
/// </list>
/// Each step is acc = acc + w*x as <c>daxpy</c> does it; <see cref="UseFma"/> says whether that step is fused (an
/// optimised BLAS daxpy with FMA) or rounded twice (reference BLAS). Vectorised across output columns, which keeps
/// every output's own order.
/// </remarks>
internal static class OctaveFilter
{
    /// <summary>Whether Octave's daxpy fused multiply and add (see remarks); chosen by agreement with the reference
    /// values on images with constant areas.</summary>
    public static bool UseFma = true;

    /// <summary><c>w = fspecial('gaussian', 7, 7/6); w = w / sum(sum(w))</c> as Octave computes it: exp(-(x^2+y^2) /
    /// (2 sigma^2)), divided by its sequential column-major sum, then by the sum of its column sums. Row-major 7x7
    /// (the kernel is symmetric).</summary>
    public static double[] LiveGaussianWindow()
    {
        const double sigma = 7.0 / 6.0;
        double twoSigmaSq = 2 * (sigma * sigma);
        var f = new double[49];
        for (int y = -3; y <= 3; y++)
            for (int x = -3; x <= 3; x++)
                f[(y + 3) * 7 + x + 3] = Math.Exp(-(double)(x * x + y * y) / twoSigmaSq);
        double s = 0;
        for (int col = 0; col < 7; col++) for (int row = 0; row < 7; row++) s += f[row * 7 + col];
        for (int i = 0; i < 49; i++) f[i] /= s;
        double total = 0;
        for (int col = 0; col < 7; col++)
        {
            double c = 0;
            for (int row = 0; row < 7; row++) c += f[row * 7 + col];
            total += c;
        }
        for (int i = 0; i < 49; i++) f[i] /= total;
        return f;
    }

    /// <summary><c>imfilter(src, w, 'replicate')</c> for a 7x7 kernel (correlation), Octave's summation order.</summary>
    public static double[] ImfilterReplicate(double[] src, int height, int width, double[] w7)
    {
        var padded = Pad(src, height, width, replicate: true);
        return Accumulate(padded, height, width, w7, columnOffsetsDescending: true);
    }

    /// <summary><c>filter2(w, src, 'same')</c> for a 7x7 kernel (zero padding), Octave's summation order.</summary>
    public static double[] Filter2Same(double[] src, int height, int width, double[] w7)
    {
        var padded = Pad(src, height, width, replicate: false);
        return Accumulate(padded, height, width, w7, columnOffsetsDescending: false);
    }

    static double[] Pad(double[] src, int height, int width, bool replicate)
    {
        int pw = width + 6, ph = height + 6;
        var p = new double[pw * ph];
        for (int py = 0; py < ph; py++)
        {
            int sy = py - 3;
            if (!replicate && (sy < 0 || sy >= height)) continue;
            sy = Math.Clamp(sy, 0, height - 1);
            var row = p.AsSpan(py * pw, pw);
            src.AsSpan(sy * width, width).CopyTo(row.Slice(3));
            if (replicate)
            {
                double l = src[sy * width], r = src[sy * width + width - 1];
                for (int k = 0; k < 3; k++) { row[k] = l; row[pw - 1 - k] = r; }
            }
        }
        return p;
    }

    static double[] Accumulate(double[] padded, int height, int width, double[] w7, bool columnOffsetsDescending)
    {
        var dst = new double[height * width];
        int pw = width + 6;
        bool fma = UseFma;
        Parallel.For(0, height, ParallelRows.Options(height, width), y =>
        {
            var acc = dst.AsSpan(y * width, width);
            bool first = true;
            for (int ci = 0; ci < 7; ci++)
            {
                int dc = columnOffsetsDescending ? 3 - ci : ci - 3;
                for (int dr = 3; dr >= -3; dr--)
                {
                    double wt = w7[(dr + 3) * 7 + dc + 3];
                    var srcRow = new ReadOnlySpan<double>(padded, (y + 3 + dr) * pw + 3 + dc, width);
                    if (first) { MultiplyInto(acc, srcRow, wt); first = false; }
                    else if (fma) FusedAxpy(acc, srcRow, wt);
                    else Axpy(acc, srcRow, wt);
                }
            }
        });
        return dst;
    }

    static void MultiplyInto(Span<double> acc, ReadOnlySpan<double> x, double a)
    {
        for (int i = 0; i < acc.Length; i++) acc[i] = a * x[i];
    }

    static void Axpy(Span<double> acc, ReadOnlySpan<double> x, double a)
    {
        int n = acc.Length, i = 0, vn = Vector<double>.Count;
        var va = new Vector<double>(a);
        for (; i <= n - vn; i += vn)
        {
            var prod = va * new Vector<double>(x.Slice(i));
            (new Vector<double>(acc.Slice(i)) + prod).CopyTo(acc.Slice(i));
        }
        for (; i < n; i++) { double prod = a * x[i]; acc[i] = acc[i] + prod; }
    }

    static void FusedAxpy(Span<double> acc, ReadOnlySpan<double> x, double a)
    {
        int n = acc.Length, i = 0, vn = Vector<double>.Count;
        var va = new Vector<double>(a);
        for (; i <= n - vn; i += vn)
            Vector.FusedMultiplyAdd(va, new Vector<double>(x.Slice(i)), new Vector<double>(acc.Slice(i))).CopyTo(acc.Slice(i));
        for (; i < n; i++) acc[i] = Math.FusedMultiplyAdd(a, x[i], acc[i]);
    }
}
