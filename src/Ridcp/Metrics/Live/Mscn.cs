using System.Numerics;

namespace Ridcp.Metrics.Live;

/// <summary>Mean-subtracted contrast-normalised coefficients of the LIVE releases:
/// mu = G*I, sigma = sqrt(|G*(I.^2) - mu.^2|), MSCN = (I - mu) ./ (sigma + 1), G the 7x7 Gaussian (sigma 7/6).</summary>
internal sealed class Mscn
{
    public required double[] Coefficients { get; init; }
    public required double[] Sigma { get; init; }
    public required double[] Mu { get; init; }

    static readonly double[] Window = OctaveFilter.LiveGaussianWindow();

    /// <param name="replicateBorder">true: imfilter(.., 'replicate') (FADE, NIQE); false: filter2(.., 'same') with
    /// zero padding (BRISQUE).</param>
    public static Mscn Compute(double[] image, int height, int width, bool replicateBorder)
    {
        int n = image.Length;
        var (mu, musq2) = OctaveFilter.FilterWithSquares(image, height, width, Window, replicateBorder);
        var sigma = GC.AllocateUninitializedArray<double>(n);
        var coef = GC.AllocateUninitializedArray<double>(n);
        // Vectorised: sqrt, abs and division are correctly rounded in SIMD as in scalar code, so the values are identical.
        int vc = Vector<double>.Count, i = 0;
        var one = Vector<double>.One;
        for (; i + vc <= n; i += vc)
        {
            var m = new Vector<double>(mu, i);
            var s = Vector.SquareRoot(Vector.Abs(new Vector<double>(musq2, i) - m * m));
            s.CopyTo(sigma, i);
            ((new Vector<double>(image, i) - m) / (s + one)).CopyTo(coef, i);
        }
        for (; i < n; i++)
        {
            double m = mu[i];
            double s = Math.Sqrt(Math.Abs(musq2[i] - m * m));
            sigma[i] = s;
            coef[i] = (image[i] - m) / (s + 1);
        }
        return new Mscn { Coefficients = coef, Sigma = sigma, Mu = mu };
    }
}
