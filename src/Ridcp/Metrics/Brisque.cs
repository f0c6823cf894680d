using Ridcp.Imaging;
using Ridcp.Metrics.Live;

namespace Ridcp.Metrics;

/// <summary>BRISQUE, Blind/Referenceless Image Spatial Quality Evaluator (Mittal, Moorthy, Bovik, IEEE TIP 21(12)
/// 2012); lower = better, not clamped (very clean images score below 0). Port of the LIVE release
/// (brisquescore.m, brisque_feature.m, estimateggdparam.m, estimateaggdparam.m) with its LIVE-trained SVR model
/// (allmodel) and feature scaling (allrange).</summary>
public static class Brisque
{
    const int NFeatures = 36;

    static readonly Lazy<LibSvmRegressor> Model = new(() =>
    {
        using var model = new StreamReader(ModelResources.Open("allmodel"));
        using var range = new StreamReader(ModelResources.Open("allrange"));
        return LibSvmRegressor.Load(model, range, NFeatures);
    });

    public static double Compute(RgbImage image) =>
        Compute(MatlabImage.Gray(image), image.Height, image.Width);

    /// <summary>BRISQUE of a grey image given as doubles in [0,255] (row-major).</summary>
    public static double Compute(double[] gray, int height, int width) => Model.Value.Predict(Features(gray, height, width));

    /// <summary>brisque_feature.m: per scale (full, then imresize 0.5) GGD alpha and sigma^2 of the MSCN, then for the
    /// products with circshift [0 1], [1 0], [1 1], [-1 1]: AGGD alpha, mean, leftstd^2, rightstd^2.</summary>
    internal static double[] Features(double[] gray, int height, int width)
    {
        if (height < 2 || width < 2) throw new ArgumentException($"BRISQUE needs at least 2x2 pixels, got {width}x{height}");
        var feat = new double[NFeatures];
        var im = gray; int h = height, w = width;
        for (int scale = 0; scale < 2; scale++)
        {
            var m = Mscn.Compute(im, h, w, replicateBorder: false).Coefficients;
            int o = scale * 18;
            // The MSCN itself and its four shifted products: five independent moment passes.
            var shifts = new (int Dy, int Dx)[] { (0, 1), (1, 0), (1, 1), (-1, 1) };
            var sums = new MomentSums[5];
            int hh = h, ww = w;
            Parallel.For(0, 5, ParallelRows.Items, s =>
            {
                if (s == 4) { var all = new MomentSums(); all.AddRange(m); sums[4] = all; }
                else sums[s] = ShiftedProducts(m, hh, ww, shifts[s].Dy, shifts[s].Dx);
            });
            var (alpha, sigma) = Aggd.FitSymmetric(sums[4]);
            feat[o] = alpha;
            feat[o + 1] = sigma * sigma;
            for (int s = 0; s < 4; s++)
            {
                var (a, l, r) = Aggd.Fit(sums[s]);
                double c = Math.Sqrt(Aggd.Gamma(1 / a)) / Math.Sqrt(Aggd.Gamma(3 / a));
                feat[o + 2 + 4 * s] = a;
                feat[o + 3 + 4 * s] = (r - l) * (Aggd.Gamma(2 / a) / Aggd.Gamma(1 / a)) * c;
                feat[o + 4 + 4 * s] = l * l;
                feat[o + 5 + 4 * s] = r * r;
            }
            if (scale == 0) (im, h, w) = MatlabResize.Half(im, h, w);
        }
        return feat;
    }

    /// <summary>Moments of structdis .* circshift(structdis, [dy dx]) (Y(i,j) = X(i-dy, j-dx), wrapping).</summary>
    static MomentSums ShiftedProducts(double[] m, int h, int w, int dy, int dx)
    {
        var sums = new MomentSums();
        for (int y = 0; y < h; y++)
        {
            int ys = ((y - dy) % h + h) % h;
            sums.AddShiftedRow(new ReadOnlySpan<double>(m, y * w, w), new ReadOnlySpan<double>(m, ys * w, w), dx);
        }
        return sums;
    }
}
