using System.Numerics;
using System.Runtime.InteropServices;

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

    /// <summary>The two filterings MSCN needs, G*I and G*(I.^2), in one pass: each square is rounded as I.*I is, then
    /// accumulated exactly as a separate filter of the squared image would be (same taps, same order, same FMAs).</summary>
    public static (double[] Mu, double[] MuSq) FilterWithSquares(double[] src, int height, int width, double[] w7, bool replicate)
    {
        var padded = Pad(src, height, width, replicate);
        var (weights, offsets) = Taps(width + 6, w7, columnOffsetsDescending: replicate);
        var mu = GC.AllocateUninitializedArray<double>(height * width);
        var muSq = GC.AllocateUninitializedArray<double>(height * width);
        int pw = width + 6;
        if (!UseFma)
        {
            var sq = new double[src.Length];
            for (int i = 0; i < sq.Length; i++) sq[i] = src[i] * src[i];
            return (replicate ? ImfilterReplicate(src, height, width, w7) : Filter2Same(src, height, width, w7),
                    replicate ? ImfilterReplicate(sq, height, width, w7) : Filter2Same(sq, height, width, w7));
        }
        Parallel.For(0, height, ParallelRows.Options(height, width), y =>
            FusedTapsWithSquares(padded, y * pw, weights, offsets, mu.AsSpan(y * width, width), muSq.AsSpan(y * width, width)));
        return (mu, muSq);
    }

    static (double[] Weights, int[] Offsets) Taps(int pw, double[] w7, bool columnOffsetsDescending)
    {
        var weights = new double[49];
        var offsets = new int[49];
        int t = 0;
        for (int ci = 0; ci < 7; ci++)
        {
            int dc = columnOffsetsDescending ? 3 - ci : ci - 3;
            for (int dr = 3; dr >= -3; dr--, t++)
            {
                weights[t] = w7[(dr + 3) * 7 + dc + 3];
                offsets[t] = (3 + dr) * pw + 3 + dc;
            }
        }
        return (weights, offsets);
    }

    static void FusedTapsWithSquares(double[] padded, int rowStart, double[] weights, int[] offsets, Span<double> mu, Span<double> muSq)
    {
        ref double p0 = ref MemoryMarshal.GetArrayDataReference(padded);
        int vc = Vector<double>.Count, n = mu.Length, x = 0, taps = weights.Length;
        for (; x + 2 * vc <= n; x += 2 * vc)
        {
            nuint b0 = (nuint)(rowStart + offsets[0] + x);
            var w0 = new Vector<double>(weights[0]);
            var x0 = Vector.LoadUnsafe(ref p0, b0);
            var x1 = Vector.LoadUnsafe(ref p0, b0 + (nuint)vc);
            var m0 = w0 * x0; var m1 = w0 * x1;
            var s0 = w0 * (x0 * x0); var s1 = w0 * (x1 * x1);
            for (int t = 1; t < taps; t++)
            {
                nuint b = (nuint)(rowStart + offsets[t] + x);
                var wt = new Vector<double>(weights[t]);
                var v0 = Vector.LoadUnsafe(ref p0, b);
                var v1 = Vector.LoadUnsafe(ref p0, b + (nuint)vc);
                m0 = Vector.FusedMultiplyAdd(wt, v0, m0);
                m1 = Vector.FusedMultiplyAdd(wt, v1, m1);
                s0 = Vector.FusedMultiplyAdd(wt, v0 * v0, s0);
                s1 = Vector.FusedMultiplyAdd(wt, v1 * v1, s1);
            }
            m0.CopyTo(mu.Slice(x)); m1.CopyTo(mu.Slice(x + vc));
            s0.CopyTo(muSq.Slice(x)); s1.CopyTo(muSq.Slice(x + vc));
        }
        for (; x < n; x++)
        {
            double v = padded[rowStart + offsets[0] + x];
            double m = weights[0] * v, q = weights[0] * (v * v);
            for (int t = 1; t < taps; t++)
            {
                v = padded[rowStart + offsets[t] + x];
                m = Math.FusedMultiplyAdd(weights[t], v, m);
                q = Math.FusedMultiplyAdd(weights[t], v * v, q);
            }
            mu[x] = m; muSq[x] = q;
        }
    }

    static double[] Pad(double[] src, int height, int width, bool replicate)
    {
        int pw = width + 6, ph = height + 6;
        var p = GC.AllocateUninitializedArray<double>(pw * ph); // every element is written below
        for (int py = 0; py < ph; py++)
        {
            int sy = py - 3;
            var row = p.AsSpan(py * pw, pw);
            if (!replicate && (sy < 0 || sy >= height)) { row.Clear(); continue; }
            sy = Math.Clamp(sy, 0, height - 1);
            src.AsSpan(sy * width, width).CopyTo(row.Slice(3));
            double l = replicate ? src[sy * width] : 0, r = replicate ? src[sy * width + width - 1] : 0;
            for (int k = 0; k < 3; k++) { row[k] = l; row[pw - 1 - k] = r; }
        }
        return p;
    }

    static double[] Accumulate(double[] padded, int height, int width, double[] w7, bool columnOffsetsDescending)
    {
        var dst = GC.AllocateUninitializedArray<double>(height * width); // every output is written
        int pw = width + 6;
        var (weights, offsets) = Taps(pw, w7, columnOffsetsDescending);
        bool fma = UseFma;
        Parallel.For(0, height, ParallelRows.Options(height, width), y =>
        {
            if (fma) FusedTaps(padded, y * pw, weights, offsets, dst.AsSpan(y * width, width));
            else RowRounded(padded, y * pw, weights, offsets, dst.AsSpan(y * width, width));
        });
        return dst;
    }

    /// <summary>One output row, each output accumulating its taps in order with fused multiply-adds; four vector
    /// accumulators side by side (independent outputs) hide the FMA latency.</summary>
    internal static void FusedTaps(double[] padded, int rowStart, double[] weights, int[] offsets, Span<double> dst)
    {
        int taps = weights.Length;
        ref double p0 = ref MemoryMarshal.GetArrayDataReference(padded);
        int vc = Vector<double>.Count, n = dst.Length, x = 0;
        for (; x + 4 * vc <= n; x += 4 * vc)
        {
            nuint b0 = (nuint)(rowStart + offsets[0] + x);
            var w0 = new Vector<double>(weights[0]);
            var a0 = w0 * Vector.LoadUnsafe(ref p0, b0);
            var a1 = w0 * Vector.LoadUnsafe(ref p0, b0 + (nuint)vc);
            var a2 = w0 * Vector.LoadUnsafe(ref p0, b0 + (nuint)(2 * vc));
            var a3 = w0 * Vector.LoadUnsafe(ref p0, b0 + (nuint)(3 * vc));
            for (int t = 1; t < taps; t++)
            {
                nuint b = (nuint)(rowStart + offsets[t] + x);
                var wt = new Vector<double>(weights[t]);
                a0 = Vector.FusedMultiplyAdd(wt, Vector.LoadUnsafe(ref p0, b), a0);
                a1 = Vector.FusedMultiplyAdd(wt, Vector.LoadUnsafe(ref p0, b + (nuint)vc), a1);
                a2 = Vector.FusedMultiplyAdd(wt, Vector.LoadUnsafe(ref p0, b + (nuint)(2 * vc)), a2);
                a3 = Vector.FusedMultiplyAdd(wt, Vector.LoadUnsafe(ref p0, b + (nuint)(3 * vc)), a3);
            }
            a0.CopyTo(dst.Slice(x)); a1.CopyTo(dst.Slice(x + vc)); a2.CopyTo(dst.Slice(x + 2 * vc)); a3.CopyTo(dst.Slice(x + 3 * vc));
        }
        for (; x < n; x++)
        {
            double a = weights[0] * padded[rowStart + offsets[0] + x];
            for (int t = 1; t < taps; t++) a = Math.FusedMultiplyAdd(weights[t], padded[rowStart + offsets[t] + x], a);
            dst[x] = a;
        }
    }

    /// <summary>As <see cref="FusedTaps"/> with every step rounded twice (product, then sum).</summary>
    static void RowRounded(double[] padded, int rowStart, double[] weights, int[] offsets, Span<double> dst)
    {
        for (int x = 0; x < dst.Length; x++)
        {
            double a = weights[0] * padded[rowStart + offsets[0] + x];
            for (int t = 1; t < 49; t++) { double prod = weights[t] * padded[rowStart + offsets[t] + x]; a += prod; }
            dst[x] = a;
        }
    }
}
