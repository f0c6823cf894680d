using System.Numerics;
using Ridcp.Imaging;

namespace Ridcp.Metrics;

/// <summary>The 8-bit pixels the original MATLAB metrics see, and MATLAB's <c>rgb2gray</c>.</summary>
/// <remarks>Conventions from shared metrics-ref (reference-values.json, <c>conventions</c>): every file becomes
/// 8-bit as MATLAB <c>im2uint8</c> does (16-bit v -> round(v/257), half away from zero). An <see cref="RgbImage"/>
/// holds v/255 or v/65535 as float32, so round(x*255) recovers exactly those bytes (the nearest tie of v/257 is
/// 0.002 away from .5, far above float32 error).</remarks>
public static class MatlabImage
{
    /// <summary>First row of inv([1 .956 .621; 1 -.272 -.647; 1 -1.106 1.703]): MATLAB rgb2gray's weights at full
    /// precision (Octave's core rgb2gray uses 6 digits and differs on some pixels).</summary>
    public const double GrayR = 0.298936021293775, GrayG = 0.587043074451121, GrayB = 0.114020904255103;

    /// <summary>Planar 8-bit R, G, B (3*H*W bytes) as <c>im2uint8</c> of the image.</summary>
    public static byte[] ToUint8Planes(RgbImage image)
    {
        var data = image.Data;
        var bytes = new byte[data.Length];
        for (int i = 0; i < data.Length; i++) bytes[i] = ToUint8(data[i]);
        return bytes;
    }

    /// <summary>im2uint8 of a [0,1] value: clamp, scale by 255, round half away from zero; NaN -> 0.</summary>
    public static byte ToUint8(float v)
    {
        double x = v * 255.0;
        if (!(x > 0)) return 0; // also NaN
        if (x >= 255) return 255;
        return (byte)(x + 0.5); // truncation of a positive value: floor(x + 0.5) = round half away from zero
    }

    /// <summary>MATLAB <c>rgb2gray</c> of 8-bit planes: weighted sum in double, rounded half away to uint8,
    /// returned as double (what <c>double(rgb2gray(I))</c> gives).</summary>
    public static double[] Rgb2Gray(byte[] planes, int width, int height)
    {
        int n = width * height;
        var gray = new double[n];
        for (int i = 0; i < n; i++)
        {
            double y = GrayR * planes[i] + GrayG * planes[n + i] + GrayB * planes[2 * n + i];
            gray[i] = Math.Round(y, MidpointRounding.AwayFromZero);
        }
        return gray;
    }

    /// <summary>The grey image the LIVE NIQE/BRISQUE releases start from: rgb2gray of im2uint8 (a grey file is read
    /// as three equal channels, whose rgb2gray is the grey value itself).</summary>
    public static double[] Gray(RgbImage image)
    {
        // Same arithmetic as Rgb2Gray(ToUint8Planes(image)), fused and vectorised: im2uint8 as floor(x*255 + 0.5) on
        // the clamped value, the weighted sum with every product and sum rounded (no FMA), then floor(y + 0.5), which
        // equals rounding half away from zero for y >= 0.
        var d = image.Data;
        int n = image.Width * image.Height;
        var gray = GC.AllocateUninitializedArray<double>(n);
        int vf = Vector<float>.Count, i = 0;
        var half = new Vector<double>(0.5);
        var scale = new Vector<double>(255.0);
        var max = new Vector<double>(255.0);
        var wr = new Vector<double>(GrayR); var wg = new Vector<double>(GrayG); var wb = new Vector<double>(GrayB);
        for (; i + vf <= n; i += vf)
        {
            Vector.Widen(new Vector<float>(d, i), out var r0, out var r1);
            Vector.Widen(new Vector<float>(d, n + i), out var g0, out var g1);
            Vector.Widen(new Vector<float>(d, 2 * n + i), out var b0, out var b1);
            GrayOf(r0, g0, b0).CopyTo(gray, i);
            GrayOf(r1, g1, b1).CopyTo(gray, i + vf / 2);
        }
        for (; i < n; i++)
        {
            double y = GrayR * ToUint8(d[i]) + GrayG * ToUint8(d[n + i]) + GrayB * ToUint8(d[2 * n + i]);
            gray[i] = Math.Round(y, MidpointRounding.AwayFromZero);
        }
        return gray;

        Vector<double> U8(Vector<double> x)
        {
            var v = x * scale;
            v = Vector.ConditionalSelect(Vector.Equals(v, v), v, Vector<double>.Zero); // NaN -> 0
            v = Vector.Min(Vector.Max(v, Vector<double>.Zero), max);
            return Vector.Floor(v + half);
        }

        Vector<double> GrayOf(Vector<double> r, Vector<double> g, Vector<double> b)
        {
            var y = wr * U8(r) + wg * U8(g);
            y += wb * U8(b);
            return Vector.Floor(y + half);
        }
    }
}
