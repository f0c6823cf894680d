using Ridcp.Imaging;
using Ridcp.Metrics.Live;

namespace Ridcp.Metrics;

/// <summary>Which grey image NIQE starts from.</summary>
public enum NiqeGray
{
    /// <summary>MATLAB <c>rgb2gray</c> (uint8), as the LIVE release (computequality.m, example.m) and pyiqa.</summary>
    Rgb2Gray,
    /// <summary>BT.601 Y of YCbCr (16..235), as BasicSR <c>calculate_niqe</c> (convert_to='y'): a different
    /// convention, not the LIVE one (moves scores by ~0.1).</summary>
    BasicSrY,
}

/// <summary>NIQE, Natural Image Quality Evaluator (Mittal, Soundararajan, Bovik, IEEE SPL 2012); lower = more
/// natural. Port of the LIVE release (computequality.m, computefeature.m, estimateaggdparam.m) called as
/// <c>computequality(I, 96, 96, 0, 0, mu_prisparam, cov_prisparam)</c> with its modelparameters.mat.</summary>
public static class Niqe
{
    const int BlockSize = 96;
    const int FeaturesPerScale = 18;

    static readonly Lazy<(double[] Mu, double[] Cov)> Model = new(() =>
    {
        var mat = ModelResources.Mat("modelparameters.mat");
        return (mat["mu_prisparam"].RowMajor, mat["cov_prisparam"].RowMajor);
    });

    public static double Compute(RgbImage image, NiqeGray gray = NiqeGray.Rgb2Gray)
    {
        var g = gray == NiqeGray.Rgb2Gray ? MatlabImage.Gray(image) : BasicSrY(image);
        return Compute(g, image.Height, image.Width);
    }

    /// <summary>NIQE of a grey image given as doubles in [0,255] (row-major).</summary>
    public static double Compute(double[] gray, int height, int width)
    {
        int rowBlocks = height / BlockSize, colBlocks = width / BlockSize;
        if (rowBlocks == 0 || colBlocks == 0)
            throw new ArgumentException($"NIQE needs at least {BlockSize}x{BlockSize} pixels, got {width}x{height}");
        int h = rowBlocks * BlockSize, w = colBlocks * BlockSize;
        var im = Crop(gray, width, h, w);
        int nBlocks = rowBlocks * colBlocks;
        var feat = new double[nBlocks * 2 * FeaturesPerScale]; // rows = blocks (column-major block order), 36 columns
        for (int scale = 1; scale <= 2; scale++)
        {
            var mscn = Mscn.Compute(im, h, w, replicateBorder: true).Coefficients;
            int bs = BlockSize / scale;
            int offset = (scale - 1) * FeaturesPerScale;
            var imLocal = mscn;
            int wLocal = w;
            Parallel.For(0, nBlocks, ParallelRows.Items, b =>
            {
                int bc = b / rowBlocks, br = b % rowBlocks; // blkproc output reshaped column-major
                BlockFeatures(imLocal, wLocal, br * bs, bc * bs, bs, feat.AsSpan(b * 2 * FeaturesPerScale + offset, FeaturesPerScale));
            });
            if (scale == 1) (im, h, w) = MatlabResize.Half(im, h, w);
        }
        var (muPris, covPris) = Model.Value;
        return Distance(feat, nBlocks, 2 * FeaturesPerScale, muPris, covPris);
    }

    static double[] Crop(double[] src, int srcWidth, int h, int w)
    {
        var dst = new double[h * w];
        for (int y = 0; y < h; y++) Array.Copy(src, y * srcWidth, dst, y * w, w);
        return dst;
    }

    /// <summary>computefeature.m on one block: AGGD of the MSCN, then of the products with the block circularly
    /// shifted by [0 1], [1 0], [1 1], [1 -1] (circshift within the block, as blkproc hands it over).</summary>
    static void BlockFeatures(double[] mscn, int width, int y0, int x0, int bs, Span<double> f)
    {
        var m = new MomentSums();
        for (int y = 0; y < bs; y++) m.AddRange(new ReadOnlySpan<double>(mscn, (y0 + y) * width + x0, bs));
        var (alpha, ls, rs) = Aggd.Fit(m);
        double k = Math.Sqrt(Aggd.Gamma(1 / alpha) / Aggd.Gamma(3 / alpha));
        f[0] = alpha;
        f[1] = (ls * k + rs * k) / 2;
        ReadOnlySpan<(int Dy, int Dx)> shifts = [(0, 1), (1, 0), (1, 1), (1, -1)];
        for (int s = 0; s < 4; s++)
        {
            var (dy, dx) = shifts[s];
            var p = new MomentSums();
            for (int y = 0; y < bs; y++)
            {
                int ys = ((y - dy) % bs + bs) % bs; // circshift(X, [dy dx]): Y(i,j) = X(i-dy, j-dx)
                p.AddShiftedRow(new ReadOnlySpan<double>(mscn, (y0 + y) * width + x0, bs),
                                new ReadOnlySpan<double>(mscn, (y0 + ys) * width + x0, bs), dx);
            }
            var (a, l, r) = Aggd.Fit(p);
            double kk = Math.Sqrt(Aggd.Gamma(1 / a) / Aggd.Gamma(3 / a));
            double betal = l * kk, betar = r * kk;
            f[2 + 4 * s] = a;
            f[3 + 4 * s] = (betar - betal) * (Aggd.Gamma(2 / a) / Aggd.Gamma(1 / a));
            f[4 + 4 * s] = betal;
            f[5 + 4 * s] = betar;
        }
    }

    /// <summary>computequality.m: nanmean / nancov of the block features, then
    /// sqrt((mu_p - mu) * pinv((C_p + C)/2) * (mu_p - mu)').</summary>
    internal static double Distance(double[] feat, int rows, int d, double[] muPris, double[] covPris)
    {
        var mu = new double[d];
        for (int j = 0; j < d; j++)
        {
            double s = 0; int n = 0;
            for (int i = 0; i < rows; i++) { double v = feat[i * d + j]; if (!double.IsNaN(v)) { s += v; n++; } }
            mu[j] = s / n;
        }
        // nancov: rows with any NaN dropped, then cov with n-1.
        var valid = new List<int>();
        for (int i = 0; i < rows; i++)
        {
            bool ok = true;
            for (int j = 0; j < d && ok; j++) ok = !double.IsNaN(feat[i * d + j]);
            if (ok) valid.Add(i);
        }
        var mean = new double[d];
        foreach (int i in valid) for (int j = 0; j < d; j++) mean[j] += feat[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= valid.Count;
        var cov = new double[d * d];
        foreach (int i in valid)
            for (int a = 0; a < d; a++)
            {
                double da = feat[i * d + a] - mean[a];
                for (int b = 0; b < d; b++) cov[a * d + b] += da * (feat[i * d + b] - mean[b]);
            }
        if (valid.Count == 0) return double.NaN;
        // MATLAB cov normalises by n-1, and by 1 for a single observation (one 96x96 block: zero covariance).
        int norm = Math.Max(1, valid.Count - 1);
        for (int k = 0; k < cov.Length; k++) cov[k] /= norm;

        var avg = new double[d * d];
        for (int k = 0; k < avg.Length; k++) avg[k] = (covPris[k] + cov[k]) / 2;
        if (avg.Any(double.IsNaN) || mu.Any(double.IsNaN)) return double.NaN;
        var inv = LinearAlgebra.PinvSymmetric(avg, d);
        var diff = new double[d];
        for (int j = 0; j < d; j++) diff[j] = muPris[j] - mu[j];
        double q = 0;
        for (int a = 0; a < d; a++)
        {
            double s = 0;
            for (int b = 0; b < d; b++) s += diff[b] * inv[b * d + a];
            q += s * diff[a];
        }
        return Math.Sqrt(q);
    }

    /// <summary>BasicSR to_y_channel: Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 on 8-bit values, in double
    /// (BasicSR rounds nothing here; its NIQE then rounds Y to integers: <c>img.round()</c> in calculate_niqe).</summary>
    static double[] BasicSrY(RgbImage image)
    {
        var y = FullReference.YChannel(MatlabImage.ToUint8Planes(image), image.Width * image.Height);
        for (int i = 0; i < y.Length; i++) y[i] = Math.Round(y[i], MidpointRounding.ToEven);
        return y;
    }
}
