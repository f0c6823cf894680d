using Xunit;
using Ridcp.Baselines;
using Ridcp.Imaging;
using Ridcp.Metrics;
using Ridcp.Tests.Metrics;

namespace Ridcp.Tests.Baselines;

public class DarkChannelPriorTests
{
    static readonly double[] TrueA = [0.9, 0.85, 0.8];
    const double TrueT = 0.6;

    /// <summary>A scene that satisfies the prior (saturated colours: one channel 0 in every pixel) under uniform haze
    /// t = 0.6, with a sky band on top (t = 0, I = A), as in the paper's model I = J t + A (1 - t).</summary>
    static (RgbImage Hazy, RgbImage Clear) Synthetic(int w = 96, int h = 80, int sky = 16)
    {
        var clear = new RgbImage(w, h); var hazy = new RgbImage(w, h);
        var rng = new Random(11);
        int n = w * h;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x, zero = rng.Next(3);
                for (int c = 0; c < 3; c++)
                {
                    float j = c == zero ? 0f : (float)(0.2 + 0.8 * rng.NextDouble());
                    clear.Data[c * n + i] = j;
                    hazy.Data[c * n + i] = y < sky ? (float)TrueA[c] : (float)(j * TrueT + TrueA[c] * (1 - TrueT));
                }
            }
        return (hazy, clear);
    }

    [Fact]
    public void Atmospheric_light_is_the_brightest_pixel_among_the_most_haze_opaque()
    {
        var (hazy, _) = Synthetic();
        var r = DarkChannelPrior.Estimate(hazy);
        for (int c = 0; c < 3; c++) Assert.Equal(TrueA[c], r.AtmosphericLight[c], 1e-6);
    }

    [Fact]
    public void Coarse_transmission_is_one_minus_omega_times_the_haze_share()
    {
        // Where every 15x15 patch lies below the sky: min(I/A) = 1 - t, so t~ = 1 - 0.95 (1 - 0.6) (Eq. 12).
        var (hazy, _) = Synthetic();
        var r = DarkChannelPrior.Estimate(hazy, new DarkChannelPriorOptions(Refine: false));
        double expected = 1 - 0.95 * (1 - TrueT);
        for (int y = 30; y < 80; y++)
            for (int x = 0; x < 96; x++) Assert.Equal(expected, r.Transmission[y * 96 + x], 1e-5);
    }

    [Fact]
    public void Dehazing_brings_the_synthetic_scene_much_closer_to_the_clear_one()
    {
        var (hazy, clear) = Synthetic();
        var dehazed = DarkChannelPrior.Dehaze(hazy);
        int n = 96 * 80;
        double before = 0, after = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 16 * 96 + 8 * 96; i < n; i++)
            {
                before += Math.Abs(hazy.Data[c * n + i] - clear.Data[c * n + i]);
                after += Math.Abs(dehazed.Data[c * n + i] - clear.Data[c * n + i]);
            }
        Assert.True(after < 0.25 * before, $"mean error {after} should be far below the hazy input's {before}");
    }

    [Theory]
    [InlineData("lxqt_fog.jpg")]
    [InlineData("enlightenment_foggy-trees.jpg")]
    [InlineData("opencv_aero3.jpg")]
    public void Dehazing_a_real_hazy_photo_lowers_its_fog_density(string file)
    {
        var hazy = ImageFile.Read(MetricsReference.Image(file));
        double before = Fade.Compute(hazy), after = Fade.Compute(DarkChannelPrior.Dehaze(hazy));
        Assert.True(after < before, $"FADE {before} -> {after}");
    }

    [Fact]
    public void Bad_options_and_bad_pixels_are_refused()
    {
        var img = new RgbImage(20, 20);
        Assert.Throws<ArgumentException>(() => DarkChannelPrior.Dehaze(img, new DarkChannelPriorOptions(PatchSize: 14)));
        Assert.Throws<ArgumentException>(() => DarkChannelPrior.Dehaze(img, new DarkChannelPriorOptions(Omega: 0)));
        img.Data[7] = float.NaN;
        Assert.Throws<ArgumentException>(() => DarkChannelPrior.Dehaze(img));
    }

    [Fact]
    public void A_black_image_stays_black_and_finite()
    {
        var r = DarkChannelPrior.Dehaze(new RgbImage(30, 20));
        Assert.All(r.Data, v => Assert.Equal(0f, v));
    }
}
