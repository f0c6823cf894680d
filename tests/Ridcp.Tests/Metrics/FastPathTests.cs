using Xunit;
using Ridcp.Metrics.Live;

namespace Ridcp.Tests.Metrics;

/// <summary>The vectorised paths of the metric kernels give bit-for-bit the results of their scalar forms (the
/// reference agreement depends on every output's exact summation order, so "close" is not enough).</summary>
public class FastPathTests
{
    [Theory]
    [InlineData(96, 96)]
    [InlineData(37, 50)]
    [InlineData(101, 33)]
    [InlineData(64, 531)]
    public void Resize_column_pass_is_bitwise_equal_to_the_scalar_loop(int height, int width)
    {
        var rng = new Random(height * 1000 + width);
        var img = new double[height * width];
        for (int i = 0; i < img.Length; i++) img[i] = Math.Round(rng.NextDouble() * 255) + (i % 3 == 0 ? rng.NextDouble() : 0);
        var fast = MatlabResize.Half(img, height, width);
        (double[] Image, int Height, int Width) slow;
        try { MatlabResize.Vectorised = false; slow = MatlabResize.Half(img, height, width); }
        finally { MatlabResize.Vectorised = true; }
        Assert.Equal((slow.Height, slow.Width), (fast.Height, fast.Width));
        Assert.Equal(slow.Image.Select(BitConverter.DoubleToInt64Bits), fast.Image.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData(20, 45, true)]   // 45 columns: the 4-vector, 2-vector and scalar parts of a row
    [InlineData(11, 30, false)]
    [InlineData(9, 7, true)]
    public void Fused_filtering_of_I_and_its_squares_equals_two_separate_filterings(int height, int width, bool replicate)
    {
        var rng = new Random(height + width);
        var img = Enumerable.Range(0, height * width).Select(i => i % 5 == 0 ? 128.0 : Math.Round(rng.NextDouble() * 255)).ToArray();
        var squares = img.Select(v => v * v).ToArray();
        var w = OctaveFilter.LiveGaussianWindow();
        var (mu, muSq) = OctaveFilter.FilterWithSquares(img, height, width, w, replicate);
        var mu2 = replicate ? OctaveFilter.ImfilterReplicate(img, height, width, w) : OctaveFilter.Filter2Same(img, height, width, w);
        var muSq2 = replicate ? OctaveFilter.ImfilterReplicate(squares, height, width, w) : OctaveFilter.Filter2Same(squares, height, width, w);
        Assert.Equal(mu2.Select(BitConverter.DoubleToInt64Bits), mu.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(muSq2.Select(BitConverter.DoubleToInt64Bits), muSq.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Table_argmin_picks_the_first_minimum_like_the_scalar_loop()
    {
        var rng = new Random(7);
        foreach (int n in new[] { 1, 3, 8, 9801 })
        {
            // Coarse values give many ties; some NaN entries must be skipped.
            var table = Enumerable.Range(0, n).Select(_ => rng.Next(10) == 0 ? double.NaN : Math.Round(rng.NextDouble() * 20) / 4).ToArray();
            var xs = new List<double> { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0, 2.5, 5 };
            for (int k = 0; k < 40; k++) xs.Add(rng.NextDouble() * 6 - 0.5);
            foreach (double x in xs)
                foreach (bool squared in new[] { true, false })
                    Assert.Equal(Aggd.ArgMinScalar(table, x, squared), Aggd.ArgMin(table, x, squared));
        }
    }
}
