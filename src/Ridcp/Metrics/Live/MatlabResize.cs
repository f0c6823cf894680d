using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ridcp.Metrics.Live;

/// <summary>MATLAB <c>imresize(I, 0.5)</c> on a double image: bicubic (a = -0.5) with antialiasing (the kernel
/// stretched by 1/scale), symmetric border, no rounding; rows first, then columns (MATLAB resizes the dimensions in
/// order of scale, equal scales in dimension order). Ported from the algorithm of MATLAB's imresize.m
/// (<c>contributions</c>, <c>cubic</c>) as the LIVE NIQE/BRISQUE releases use it.</summary>
internal static class MatlabResize
{
    /// <summary>Whether the column pass may use the four-outputs-at-a-time path (tests compare it with the scalar one).</summary>
    internal static bool Vectorised = true;

    public static (double[] Image, int Height, int Width) Half(double[] src, int height, int width)
    {
        int oh = (int)Math.Ceiling(height * 0.5), ow = (int)Math.Ceiling(width * 0.5);
        var (rowIdx, rowW, rowTaps) = Contributions(height, oh, 0.5);
        var (colIdx, colW, colTaps) = Contributions(width, ow, 0.5);

        // Along dimension 1 (rows): tmp[oh, width].
        var tmp = ArrayPool<double>.Shared.Rent(oh * width); // scratch, every element written below
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
        var strided = StridedRun.Find(colIdx, colW, colTaps, ow, width);
        Parallel.For(0, oh, ParallelRows.Options(oh, ow), y =>
            ColumnPass(new ReadOnlySpan<double>(tmp, y * width, width), dstImg.AsSpan(y * ow, ow), colIdx, colW, colTaps, strided));
        ArrayPool<double>.Shared.Return(tmp);
        return (dstImg, oh, ow);
    }

    /// <summary>One output row along dimension 2: s = 0, then s += w*x per tap in order, product and sum each
    /// rounded. Inside <paramref name="run"/> (outputs whose taps read input 2x + base_t) four outputs at a time,
    /// the stride-2 inputs picked out of two loads; every output keeps its own order and roundings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void ColumnPass(ReadOnlySpan<double> src, Span<double> dst, int[] idx, double[] w, int taps, StridedRun run)
    {
        int x = 0;
        if (run.Length >= 4)
        {
            for (; x < run.Start; x++) dst[x] = ScalarOutput(src, idx, w, taps, x);
            ref double s0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
            int end = run.Start + (run.Length & ~3);
            for (; x < end; x += 4)
            {
                var acc = Vector256<double>.Zero;
                for (int t = 0; t < taps; t++)
                {
                    nuint b = (nuint)(2 * x + run.Base[t]);
                    var lo = Vector256.LoadUnsafe(ref s0, b);
                    var hi = Vector256.LoadUnsafe(ref s0, b + 4);
                    var even = Avx2.Permute4x64(Avx.UnpackLow(lo, hi), 0b11_01_10_00); // src[b], src[b+2], src[b+4], src[b+6]
                    var prod = Vector256.LoadUnsafe(ref run.WeightsByTap[0], (nuint)(t * run.Stride + x - run.Start)) * even;
                    acc += prod;
                }
                acc.CopyTo(dst.Slice(x));
            }
        }
        for (; x < dst.Length; x++) dst[x] = ScalarOutput(src, idx, w, taps, x);
    }

    static double ScalarOutput(ReadOnlySpan<double> src, int[] idx, double[] w, int taps, int x)
    {
        double s = 0;
        for (int t = 0; t < taps; t++) s += w[x * taps + t] * src[idx[x * taps + t]];
        return s;
    }

    /// <summary>The longest run of outputs x whose tap t reads input 2x + Base[t] (all taps inside the row, 8
    /// inputs readable from each start), with the weights laid out tap-major for vector loads; Length 0 when there
    /// is none or AVX2 is missing.</summary>
    sealed class StridedRun
    {
        public int Start, Length, Stride;
        public int[] Base = [];
        public double[] WeightsByTap = [0];

        public static StridedRun Find(int[] idx, double[] w, int taps, int outLength, int inLength)
        {
            var none = new StridedRun();
            if (!Vectorised || !Avx2.IsSupported || outLength < 8) return none;
            int mid = outLength / 2;
            var bases = new int[taps];
            for (int t = 0; t < taps; t++) bases[t] = idx[mid * taps + t] - 2 * mid;
            bool Fits(int x)
            {
                for (int t = 0; t < taps; t++)
                {
                    int i = 2 * x + bases[t];
                    if (idx[x * taps + t] != i || i < 0 || i + 7 >= inLength) return false;
                }
                return true;
            }
            if (!Fits(mid)) return none;
            int a = mid, b = mid + 1;
            while (a > 0 && Fits(a - 1)) a--;
            while (b < outLength && Fits(b)) b++;
            var run = new StridedRun { Start = a, Length = b - a, Stride = b - a, Base = bases, WeightsByTap = new double[taps * (b - a) + 1] };
            for (int t = 0; t < taps; t++)
                for (int x = a; x < b; x++) run.WeightsByTap[t * run.Stride + x - a] = w[x * taps + t];
            return run;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyInto(Span<double> dst, ReadOnlySpan<double> x, double a)
    {
        int i = 0, vc = Vector<double>.Count;
        var va = new Vector<double>(a);
        for (; i + vc <= dst.Length; i += vc) (va * new Vector<double>(x.Slice(i))).CopyTo(dst.Slice(i));
        for (; i < dst.Length; i++) dst[i] = a * x[i];
    }

    /// <summary>dst += a*x with the product rounded before the sum (two roundings, as the scalar code it replaces).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
