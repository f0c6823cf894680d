using Xunit;
using System.Text.Json;
using Ridcp.Imaging;
using Ridcp.Metrics;

namespace Ridcp.Tests.Metrics;

/// <summary>CIEDE2000 against the published test data of Sharma, Wu and Dalal (2005) and against scikit-image's
/// rgb2lab/deltaE_ciede2000 run independently (Fixtures/metrics/ciede2000: make_reference.py and its output).</summary>
public class Ciede2000Tests
{
    /// <summary>Sharma et al. print ΔE00 to 4 decimals: a correct implementation is within half a unit of the last digit.</summary>
    const double PublishedDeltaETolerance = 5e-5;
    /// <summary>Both sides compute in float64 with the same formulas; what remains is libm rounding (pow, cbrt, atan2,
    /// cos) and operation order: measured max 2.2e-13 on L*a*b* and 1.9e-13 on ΔE over the fixture's colours. 1e-10
    /// leaves room for another libm.</summary>
    const double Float64Tolerance = 1e-10;
    /// <summary>Means over ~0.6 megapixel in float64, summed in another order (row sums here, numpy's pairwise sum
    /// there): measured max 7e-15.</summary>
    const double MeanTolerance = 1e-10;
    /// <summary><see cref="Ciede2000.ToLab"/> stores float32: half an ulp of a value below 128 in magnitude (L* ≤ 100,
    /// |a*|, |b*| &lt; 128 for sRGB) is 3.8e-6 (measured max 3.80e-6).</summary>
    const double Float32LabTolerance = 4e-6;

    static readonly Lazy<JsonDocument> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixture.File("metrics", "ciede2000", "reference.json"))));

    /// <summary>All 34 published test pairs of Sharma, Wu, Dalal (2005): pair, L1 a1 b1, L2 a2 b2, ΔE00.</summary>
    public static TheoryData<int, double, double, double, double, double, double, double> SharmaPairs() => new()
    {
        { 1, 50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425 },
        { 2, 50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615 },
        { 3, 50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412 },
        { 4, 50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000 },
        { 5, 50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000 },
        { 6, 50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000 },
        { 7, 50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669 },
        { 8, 50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669 },
        { 9, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792 },
        { 10, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792 },
        { 11, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195 },
        { 12, 50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195 },
        { 13, 50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045 },
        { 14, 50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045 },
        { 15, 50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461 },
        { 16, 50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065 },
        { 17, 50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492 },
        { 18, 50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977 },
        { 19, 50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030 },
        { 20, 50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535 },
        { 21, 50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000 },
        { 22, 50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000 },
        { 23, 50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000 },
        { 24, 50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000 },
        { 25, 60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644 },
        { 26, 63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630 },
        { 27, 61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731 },
        { 28, 35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645 },
        { 29, 22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373 },
        { 30, 36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146 },
        { 31, 90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441 },
        { 32, 90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381 },
        { 33, 6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377 },
        { 34, 2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082 },
    };

    [Theory]
    [MemberData(nameof(SharmaPairs))]
    public void Delta_e_matches_the_published_test_pairs_of_Sharma_Wu_and_Dalal_both_ways_round(
        int pair, double l1, double a1, double b1, double l2, double a2, double b2, double expected)
    {
        Assert.True(pair is >= 1 and <= 34);
        Assert.Equal(expected, Ciede2000.DeltaE(l1, a1, b1, l2, a2, b2), PublishedDeltaETolerance);
        Assert.Equal(expected, Ciede2000.DeltaE(l2, a2, b2, l1, a1, b1), PublishedDeltaETolerance); // ΔE00 is symmetric
    }

    [Fact]
    public void Lab_of_8_bit_colours_matches_scikit_image_rgb2lab()
    {
        var pixels = Reference.Value.RootElement.GetProperty("pixels").EnumerateArray().ToList();
        Assert.True(pixels.Count > 200);
        foreach (var p in pixels)
        {
            var (r, g, b) = Rgb(p.GetProperty("rgb"));
            var lab = p.GetProperty("lab");
            var (l, a, bb) = Ciede2000.Lab(r, g, b);
            Assert.Equal(lab[0].GetDouble(), l, Float64Tolerance);
            Assert.Equal(lab[1].GetDouble(), a, Float64Tolerance);
            Assert.Equal(lab[2].GetDouble(), bb, Float64Tolerance);
        }
    }

    [Fact]
    public void ToLab_of_an_image_gives_the_same_planes_in_float32()
    {
        var pixels = Reference.Value.RootElement.GetProperty("pixels").EnumerateArray().ToList();
        var img = new RgbImage(pixels.Count, 1);
        for (int x = 0; x < pixels.Count; x++)
        {
            var (r, g, b) = Rgb(pixels[x].GetProperty("rgb"));
            img[0, 0, x] = r / 255f; img[1, 0, x] = g / 255f; img[2, 0, x] = b / 255f;
        }
        var (lp, ap, bp) = Ciede2000.ToLab(img);
        for (int x = 0; x < pixels.Count; x++)
        {
            var lab = pixels[x].GetProperty("lab");
            Assert.Equal(lab[0].GetDouble(), lp[x], Float32LabTolerance);
            Assert.Equal(lab[1].GetDouble(), ap[x], Float32LabTolerance);
            Assert.Equal(lab[2].GetDouble(), bp[x], Float32LabTolerance);
        }
    }

    [Fact]
    public void Delta_e_of_8_bit_colour_pairs_matches_scikit_image_for_large_and_just_visible_differences()
    {
        var pairs = Reference.Value.RootElement.GetProperty("pixel_pairs").EnumerateArray().ToList();
        Assert.Contains(pairs, p => p.GetProperty("kind").GetString() == "plus_one");
        foreach (var p in pairs)
        {
            var (r1, g1, b1) = Rgb(p.GetProperty("rgb1"));
            var (r2, g2, b2) = Rgb(p.GetProperty("rgb2"));
            var (l1, a1, bb1) = Ciede2000.Lab(r1, g1, b1);
            var (l2, a2, bb2) = Ciede2000.Lab(r2, g2, b2);
            Assert.Equal(p.GetProperty("delta_e").GetDouble(), Ciede2000.DeltaE(l1, a1, bb1, l2, a2, bb2), Float64Tolerance);
        }
    }

    [Fact]
    public void Mean_delta_e_of_real_images_matches_scikit_image()
    {
        foreach (var e in Reference.Value.RootElement.GetProperty("images").EnumerateArray())
        {
            var crop = e.GetProperty("crop");
            int w = crop[0].GetInt32(), h = crop[1].GetInt32();
            var pred = TopLeft(ImageFile.Read(MetricsReference.Image(e.GetProperty("prediction").GetString()!)), w, h);
            var reference = TopLeft(ImageFile.Read(MetricsReference.Image(e.GetProperty("reference").GetString()!)), w, h);
            if (e.GetProperty("reference_red_blue_swapped").GetBoolean()) SwapRedBlue(reference);
            Assert.Equal(e.GetProperty("mean_delta_e").GetDouble(), Ciede2000.MeanDeltaE(pred, reference), MeanTolerance);
        }
    }

    [Fact]
    public void Mean_lab_and_mean_a_star_of_the_lower_half_match_scikit_image()
    {
        foreach (var e in Reference.Value.RootElement.GetProperty("lab_means").EnumerateArray())
        {
            var img = ImageFile.Read(MetricsReference.Image(e.GetProperty("image").GetString()!));
            var (l, a, b) = Ciede2000.ToLab(img);
            // float32 planes summed in float64: each term within Float32LabTolerance, so is the mean.
            Assert.Equal(e.GetProperty("mean_L").GetDouble(), l.Average(v => (double)v), Float32LabTolerance);
            Assert.Equal(e.GetProperty("mean_a").GetDouble(), a.Average(v => (double)v), Float32LabTolerance);
            Assert.Equal(e.GetProperty("mean_b").GetDouble(), b.Average(v => (double)v), Float32LabTolerance);
            Assert.Equal(e.GetProperty("mean_a_lower_half").GetDouble(), Ciede2000.MeanAStar(img, img.Height / 2, img.Height), MeanTolerance);
        }
    }

    [Fact]
    public void Identical_images_differ_by_zero_and_sub_level_float_noise_is_quantised_away()
    {
        var img = ImageFile.Read(MetricsReference.Image("clear/budgie_canyon-wren.jpg"));
        Assert.Equal(0.0, Ciede2000.MeanDeltaE(img, img));
        // Values 0.3 of a level off the 8-bit grid round back to the same bytes, as when the image is written.
        var noisy = new RgbImage(img.Width, img.Height, img.Data.Select((v, i) => v + (i % 2 == 0 ? 0.3f : -0.3f) / 255f).ToArray());
        Assert.Equal(0.0, Ciede2000.MeanDeltaE(noisy, img));
        var shifted = new RgbImage(img.Width, img.Height, img.Data.Select(v => v + 2f / 255f).ToArray());
        Assert.True(Ciede2000.MeanDeltaE(shifted, img) > 0.1);
    }

    [Fact]
    public void Green_has_negative_a_star_and_red_positive()
    {
        var img = new RgbImage(4, 4);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                bool top = y < 2;
                img[0, y, x] = top ? 0.8f : 0.2f; img[1, y, x] = top ? 0.2f : 0.7f; img[2, y, x] = 0.2f;
            }
        Assert.True(Ciede2000.MeanAStar(img, 0, 2) > 30);
        Assert.True(Ciede2000.MeanAStar(img, 2, 4) < -30);
    }

    [Fact]
    public void Images_of_different_sizes_and_empty_row_ranges_are_rejected_with_a_clear_message()
    {
        var a = new RgbImage(8, 6);
        var e = Assert.Throws<ArgumentException>(() => Ciede2000.MeanDeltaE(a, new RgbImage(6, 8)));
        Assert.Contains("8x6", e.Message);
        Assert.Contains("6x8", e.Message);
        Assert.Throws<ArgumentException>(() => Ciede2000.MeanAStar(a, 3, 3));
        Assert.Throws<ArgumentException>(() => Ciede2000.MeanAStar(a, 0, 7));
        Assert.Throws<ArgumentException>(() => Ciede2000.MeanAStar(a, -1, 2));
    }

    static (byte R, byte G, byte B) Rgb(JsonElement rgb) => ((byte)rgb[0].GetInt32(), (byte)rgb[1].GetInt32(), (byte)rgb[2].GetInt32());

    static RgbImage TopLeft(RgbImage img, int w, int h)
    {
        if (img.Width == w && img.Height == h) return img;
        var crop = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) crop[c, y, x] = img[c, y, x];
        return crop;
    }

    static void SwapRedBlue(RgbImage img)
    {
        int plane = img.Width * img.Height;
        for (int i = 0; i < plane; i++) (img.Data[i], img.Data[2 * plane + i]) = (img.Data[2 * plane + i], img.Data[i]);
    }
}
