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
        var sq = new double[n];
        for (int i = 0; i < n; i++) sq[i] = image[i] * image[i];
        var mu = replicateBorder ? OctaveFilter.ImfilterReplicate(image, height, width, Window)
                                 : OctaveFilter.Filter2Same(image, height, width, Window);
        var musq2 = replicateBorder ? OctaveFilter.ImfilterReplicate(sq, height, width, Window)
                                    : OctaveFilter.Filter2Same(sq, height, width, Window);
        var sigma = sq; // reuse
        var coef = new double[n];
        for (int i = 0; i < n; i++)
        {
            double m = mu[i];
            double s = Math.Sqrt(Math.Abs(musq2[i] - m * m));
            sigma[i] = s;
            coef[i] = (image[i] - m) / (s + 1);
        }
        return new Mscn { Coefficients = coef, Sigma = sigma, Mu = mu };
    }
}
