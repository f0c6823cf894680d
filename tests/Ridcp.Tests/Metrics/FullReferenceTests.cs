using Xunit;
using Ridcp.Imaging;
using Ridcp.Metrics;

namespace Ridcp.Tests.Metrics;

/// <summary>PSNR/SSIM with BasicSR's conventions against BasicSR's own values (reference-values.json, pairs).</summary>
public class FullReferenceTests
{
    /// <summary>metrics-ref tolerances.psnr: BasicSR and skimage agree exactly on RGB; float64 Y vs BasicSR's float32 Y
    /// differs by &lt; 1e-6 dB.</summary>
    const double PsnrToleranceDb = 1e-5;
    /// <summary>metrics-ref tolerances.ssim.</summary>
    const double SsimTolerance = 1e-6;

    static (RgbImage Hazy, RgbImage Clear) Pair() =>
        (ImageFile.Read(MetricsReference.Image("pairs/budgie_canyon-wren.png")),
         ImageFile.Read(MetricsReference.Image("clear/budgie_canyon-wren.jpg")));

    [Fact]
    public void Psnr_matches_BasicSR_on_RGB_and_on_Y()
    {
        var (hazy, clear) = Pair();
        Assert.Equal(MetricsReference.Pair("budgie_canyon-wren.png", "psnr_basicsr_rgb"), FullReference.Psnr(hazy, clear), PsnrToleranceDb);
        Assert.Equal(MetricsReference.Pair("budgie_canyon-wren.png", "psnr_basicsr_y"), FullReference.Psnr(hazy, clear, yChannel: true), PsnrToleranceDb);
    }

    [Fact]
    public void Ssim_matches_BasicSR_on_RGB_and_on_Y()
    {
        var (hazy, clear) = Pair();
        Assert.Equal(MetricsReference.Pair("budgie_canyon-wren.png", "ssim_basicsr_rgb"), FullReference.Ssim(hazy, clear), SsimTolerance);
        Assert.Equal(MetricsReference.Pair("budgie_canyon-wren.png", "ssim_basicsr_y"), FullReference.Ssim(hazy, clear, yChannel: true), SsimTolerance);
    }

    [Fact]
    public void Identical_images_give_infinite_PSNR_and_SSIM_of_exactly_one()
    {
        var (_, clear) = Pair();
        Assert.Equal(double.PositiveInfinity, FullReference.Psnr(clear, clear));
        Assert.Equal(double.PositiveInfinity, FullReference.Psnr(clear, clear, cropBorder: 4, yChannel: true));
        Assert.Equal(1.0, FullReference.Ssim(clear, clear));
        Assert.Equal(1.0, FullReference.Ssim(clear, clear, yChannel: true));
    }

    [Fact]
    public void Size_mismatch_is_a_clear_error()
    {
        var a = new RgbImage(64, 48); var b = new RgbImage(48, 64);
        var e = Assert.Throws<ArgumentException>(() => FullReference.Psnr(a, b));
        Assert.Contains("64x48", e.Message);
        Assert.Contains("48x64", e.Message);
        Assert.Throws<ArgumentException>(() => FullReference.Ssim(a, b));
    }

    [Fact]
    public void Crop_border_ignores_the_border_pixels()
    {
        // Two images that differ only in a 3-pixel frame: identical once 3 pixels are cropped.
        var a = MetricsBenchmark.TestPicture(40, 30);
        var b = new RgbImage(40, 30, (float[])a.Data.Clone());
        for (int c = 0; c < 3; c++) for (int x = 0; x < 40; x++) b[c, 1, x] = 1 - b[c, 1, x];
        Assert.True(double.IsFinite(FullReference.Psnr(a, b)));
        Assert.Equal(double.PositiveInfinity, FullReference.Psnr(a, b, cropBorder: 3));
        Assert.Equal(1.0, FullReference.Ssim(a, b, cropBorder: 3));
        Assert.True(FullReference.Ssim(a, b) < 1.0);
    }

    [Fact]
    public void Psnr_of_a_known_error_is_exact()
    {
        // Every sample off by 1 level: MSE = 1, PSNR = 20 log10(255).
        var a = new RgbImage(16, 16); var b = new RgbImage(16, 16);
        Array.Fill(a.Data, 100 / 255f); Array.Fill(b.Data, 101 / 255f);
        Assert.Equal(20 * Math.Log10(255), FullReference.Psnr(a, b), 1e-12);
    }
}
