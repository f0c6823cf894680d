using Ridcp.Imaging;

namespace Ridcp.Metrics;

/// <summary>Colour fidelity: the CIEDE2000 colour difference ΔE00 (CIE 142-2001; formula and test data in Sharma, Wu
/// and Dalal, "The CIEDE2000 color-difference formula: implementation notes, supplementary test data, and
/// mathematical observations", Color Res. Appl. 30(1), 2005) between 8-bit sRGB pixels converted to CIE L*a*b*
/// (D65, 2° observer) exactly as scikit-image's <c>rgb2lab</c> and <c>deltaE_ciede2000</c> (kL = kC = kH = 1) do.</summary>
/// <remarks>Images are planar floats in [0,1]; every value is first quantised to 8 bits with the rounding of written
/// 8-bit files (<see cref="ImageFile.To8"/>: clamp, ×255 in float32, round half to even), so an image scores the
/// same in memory as after it is saved. All arithmetic after that is float64, as scikit-image's on a uint8 image.
/// Lower is better; identical images give 0; ΔE00 ≈ 1 is about the smallest difference an observer notices.</remarks>
public static class Ciede2000
{
    // sRGB (IEC 61966-2-1) → XYZ matrix and D65 2° white point, scikit-image color/colorconv.py (xyz_from_rgb,
    // illuminants["D65"]["2"]); both to 6 digits as there, which is why a grey gets a tiny non-zero a*.
    const double Xr = 0.412453, Xg = 0.357580, Xb = 0.180423;
    const double Yr = 0.212671, Yg = 0.715160, Yb = 0.072169;
    const double Zr = 0.019334, Zg = 0.119193, Zb = 0.950227;
    const double WhiteX = 0.95047, WhiteY = 1.0, WhiteZ = 1.08883;

    static readonly double Pow25To7 = Math.Pow(25, 7);
    static readonly double Deg30 = Math.PI / 6, Deg6 = 6 * Math.PI / 180, Deg63 = 63 * Math.PI / 180;

    /// <summary>Linear-light value of each 8-bit sRGB code (skimage rgb2xyz: v/255, then the sRGB transfer inverse).</summary>
    static readonly double[] Linear = Enumerable.Range(0, 256).Select(i =>
    {
        double v = i / 255.0;
        return v > 0.04045 ? Math.Pow((v + 0.055) / 1.055, 2.4) : v / 12.92;
    }).ToArray();

    /// <summary>Mean ΔE00 over all pixels of two images of the same size.</summary>
    public static double MeanDeltaE(RgbImage prediction, RgbImage reference)
    {
        if (prediction.Width != reference.Width || prediction.Height != reference.Height)
            throw new ArgumentException($"image sizes differ: prediction {prediction.Width}x{prediction.Height}, reference {reference.Width}x{reference.Height}");
        int h = prediction.Height, w = prediction.Width, plane = h * w;
        var p = prediction.Data; var r = reference.Data;
        // One partial sum per row, added in row order afterwards: the result does not depend on the thread count.
        var rowSums = new double[h];
        Parallel.For(0, h, ParallelRows.Options(h, w), y =>
        {
            double sum = 0;
            for (int i = y * w, end = i + w; i < end; i++)
            {
                var (l1, a1, b1) = Lab(ImageFile.To8(p[i]), ImageFile.To8(p[plane + i]), ImageFile.To8(p[2 * plane + i]));
                var (l2, a2, b2) = Lab(ImageFile.To8(r[i]), ImageFile.To8(r[plane + i]), ImageFile.To8(r[2 * plane + i]));
                sum += DeltaE(l1, a1, b1, l2, a2, b2);
            }
            rowSums[y] = sum;
        });
        double total = 0;
        foreach (var s in rowSums) total += s;
        return total / plane;
    }

    /// <summary>L*, a*, b* planes (H*W each, row-major) of the image's 8-bit pixels; computed in float64, stored as float32.</summary>
    public static (float[] L, float[] A, float[] B) ToLab(RgbImage image)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        var d = image.Data;
        var l = new float[plane]; var a = new float[plane]; var b = new float[plane];
        Parallel.For(0, h, ParallelRows.Options(h, w), y =>
        {
            for (int i = y * w, end = i + w; i < end; i++)
            {
                var (li, ai, bi) = Lab(ImageFile.To8(d[i]), ImageFile.To8(d[plane + i]), ImageFile.To8(d[2 * plane + i]));
                l[i] = (float)li; a[i] = (float)ai; b[i] = (float)bi;
            }
        });
        return (l, a, b);
    }

    /// <summary>Mean a* (green &lt; 0 &lt; red) over the rows [y0, y1) of the image, in float64.</summary>
    public static double MeanAStar(RgbImage image, int y0, int y1)
    {
        if (y0 < 0 || y1 > image.Height || y0 >= y1)
            throw new ArgumentException($"row range [{y0},{y1}) is empty or outside the image's {image.Height} rows");
        int w = image.Width, plane = image.Width * image.Height;
        var d = image.Data;
        var rowSums = new double[y1 - y0];
        Parallel.For(y0, y1, ParallelRows.Options(y1 - y0, w), y =>
        {
            double sum = 0;
            for (int i = y * w, end = i + w; i < end; i++)
                sum += Lab(ImageFile.To8(d[i]), ImageFile.To8(d[plane + i]), ImageFile.To8(d[2 * plane + i])).A;
            rowSums[y - y0] = sum;
        });
        double total = 0;
        foreach (var s in rowSums) total += s;
        return total / ((double)(y1 - y0) * w);
    }

    /// <summary>CIE L*a*b* of one 8-bit sRGB pixel, as skimage rgb2lab (rgb2xyz, then xyz2lab with D65 2°).</summary>
    public static (double L, double A, double B) Lab(byte r, byte g, byte b)
    {
        double lr = Linear[r], lg = Linear[g], lb = Linear[b];
        double fx = LabF((Xr * lr + Xg * lg + Xb * lb) / WhiteX);
        double fy = LabF((Yr * lr + Yg * lg + Yb * lb) / WhiteY);
        double fz = LabF((Zr * lr + Zg * lg + Zb * lb) / WhiteZ);
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz));
    }

    /// <summary>skimage xyz2lab's f(t): cube root above 0.008856, else the linear segment 7.787 t + 16/116.</summary>
    static double LabF(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116.0;

    /// <summary>ΔE00 between two L*a*b* colours with kL = kC = kH = 1 (Sharma et al. 2005, eqs. 1–22; written as
    /// skimage deltaE_ciede2000 computes them, including its handling of a zero chroma product).</summary>
    public static double DeltaE(double l1, double a1, double b1, double l2, double a2, double b2)
    {
        // a' = (1 + G) a: stretch a* by how far the mean chroma is from the neutral axis (eqs. 2–5).
        double cMean = 0.5 * (double.Hypot(a1, b1) + double.Hypot(a2, b2));
        double c7 = Math.Pow(cMean, 7);
        double scale = 1 + 0.5 * (1 - Math.Sqrt(c7 / (c7 + Pow25To7)));
        var (c1, h1) = Polar(a1 * scale, b1);
        var (c2, h2) = Polar(a2 * scale, b2);

        double lBar = 0.5 * (l1 + l2);
        double t50 = (lBar - 50) * (lBar - 50);
        double sl = 1 + 0.015 * t50 / Math.Sqrt(20 + t50);
        double lTerm = (l2 - l1) / sl;

        double cBar = 0.5 * (c1 + c2);
        double sc = 1 + 0.045 * cBar;
        double cTerm = (c2 - c1) / sc;

        // Hue difference and mean hue on the circle (eqs. 10–11, 14); undefined hue (zero chroma) counts as 0.
        double hDiff = h2 - h1, hSum = h1 + h2, cc = c1 * c2;
        double dH = hDiff > Math.PI ? hDiff - 2 * Math.PI : hDiff < -Math.PI ? hDiff + 2 * Math.PI : hDiff;
        if (cc == 0) dH = 0;
        double dHTerm = 2 * Math.Sqrt(cc) * Math.Sin(dH / 2);
        double hBar;
        if (cc == 0) hBar = hSum;
        else if (Math.Abs(hDiff) > Math.PI) hBar = 0.5 * (hSum < 2 * Math.PI ? hSum + 2 * Math.PI : hSum - 2 * Math.PI);
        else hBar = 0.5 * hSum;

        double t = 1 - 0.17 * Math.Cos(hBar - Deg30) + 0.24 * Math.Cos(2 * hBar)
                 + 0.32 * Math.Cos(3 * hBar + Deg6) - 0.20 * Math.Cos(4 * hBar - Deg63);
        double sh = 1 + 0.015 * cBar * t;
        double hTerm = dHTerm / sh;

        // Rotation term for the blue region (eqs. 17–18, 22).
        double cBar7 = Math.Pow(cBar, 7);
        double rc = 2 * Math.Sqrt(cBar7 / (cBar7 + Pow25To7));
        double hDeg = hBar * (180 / Math.PI);
        double dTheta = Deg30 * Math.Exp(-((hDeg - 275) / 25) * ((hDeg - 275) / 25));
        double rTerm = -Math.Sin(2 * dTheta) * rc * cTerm * hTerm;

        double dE2 = lTerm * lTerm + cTerm * cTerm + hTerm * hTerm + rTerm;
        return Math.Sqrt(Math.Max(dE2, 0));
    }

    /// <summary>Chroma and hue angle in [0, 2π) (skimage _cart2polar_2pi).</summary>
    static (double C, double H) Polar(double a, double b)
    {
        double h = Math.Atan2(b, a);
        return (double.Hypot(a, b), h < 0 ? h + 2 * Math.PI : h);
    }
}
