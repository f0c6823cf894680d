using Ridcp.Imaging;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class DepthPriorsTests
{
    static float RowBandMean(float[] d, int w, int h, double from, double to)
    {
        double s = 0; int n = 0;
        for (int y = (int)(from * h); y < (int)(to * h); y++) for (int x = 0; x < w; x++) { s += d[y * w + x]; n++; }
        return (float)(s / n);
    }

    [Fact]
    public void Outdoor_prior_puts_the_sky_and_the_horizon_far_and_the_foreground_near()
    {
        var img = ImageFile.Read(Fixture.File("synthesis", "desert.jpg"));
        var d = DepthPriors.Outdoor(img);
        int w = img.Width, h = img.Height;
        Assert.All(d, v => Assert.InRange(v, 0f, 1f));
        float top = RowBandMean(d, w, h, 0, 0.1), bottom = RowBandMean(d, w, h, 0.9, 1.0);
        Assert.True(top > 0.8f, $"top band mean {top}");
        Assert.True(bottom < 0.3f, $"bottom band mean {bottom}");
        // depth grows monotonically (in band means) from the bottom towards the top
        var bands = Enumerable.Range(0, 10).Select(i => RowBandMean(d, w, h, i / 10.0, (i + 1) / 10.0)).ToArray();
        for (int i = 0; i < 9; i++) Assert.True(bands[i] >= bands[i + 1] - 0.02f, $"band {i} {bands[i]} < band {i + 1} {bands[i + 1]}");
    }

    [Fact]
    public void A_blue_untextured_top_is_found_as_sky_and_sets_the_horizon()
    {
        int w = 100, h = 100;
        var img = new RgbImage(w, h);
        var rng = new SynthesisRng(1);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool sky = y < 30;
                float tex = sky ? 0 : (float)rng.NextDouble() * 0.4f;
                img[0, y, x] = sky ? 0.35f : 0.3f + tex; img[1, y, x] = sky ? 0.55f : 0.25f + tex; img[2, y, x] = sky ? 0.9f : 0.2f + tex;
            }
        var grey = Enumerable.Range(0, w * h).Select(i => (img.Data[i] + img.Data[w * h + i] + img.Data[2 * w * h + i]) / 3f).ToArray();
        var s = DepthPriors.SkyScore(img, grey);
        Assert.True(s[10 * w + 50] > 0.5f, $"sky score in the sky {s[10 * w + 50]}");
        Assert.True(s[60 * w + 50] < 0.1f, $"sky score on the textured ground {s[60 * w + 50]}");
        Assert.InRange(DepthPriors.Horizon(s, w, h), 0.2, 0.32); // the sky ends at row 30 of 100 (rounded by the texture window)
    }

    [Fact]
    public void Constant_prior_is_one_half_and_the_random_field_is_smooth_reproducible_and_spans_0_to_1()
    {
        Assert.All(DepthPriors.Constant(4, 3), v => Assert.Equal(0.5f, v));
        var a = DepthPriors.SmoothRandom(64, 48, new SynthesisRng(9));
        var b = DepthPriors.SmoothRandom(64, 48, new SynthesisRng(9));
        var c = DepthPriors.SmoothRandom(64, 48, new SynthesisRng(10));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(0f, a.Min()); Assert.Equal(1f, a.Max());
        // smooth: at most 2 cycles per side over 4 waves of amplitude ≤ 1 -> neighbour steps stay small
        for (int y = 0; y < 48; y++) for (int x = 1; x < 64; x++) Assert.True(Math.Abs(a[y * 64 + x] - a[y * 64 + x - 1]) < 0.15f);
    }

    [Fact]
    public void Guided_filter_keeps_an_edge_of_the_guide_that_a_box_blur_smears()
    {
        int w = 40, h = 10;
        var guide = new float[w * h]; var input = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) { guide[y * w + x] = x < 20 ? 0.1f : 0.9f; input[y * w + x] = x < 20 ? 0f : 1f; }
        var q = GuidedFilter.Apply(guide, input, w, h, 5, 1e-4);
        var box = GuidedFilter.BoxMean(input, w, h, 5);
        int y0 = 5 * w;
        Assert.True(Math.Abs(q[y0 + 18] - 0f) < 0.02f && Math.Abs(q[y0 + 21] - 1f) < 0.02f, $"guided {q[y0 + 18]}, {q[y0 + 21]}");
        Assert.True(box[y0 + 18] > 0.2f, "the box blur should smear the edge (sanity check of the comparison)");
        var flat = GuidedFilter.Apply(guide, Enumerable.Repeat(0.3f, w * h).ToArray(), w, h, 5, 1e-3);
        Assert.All(flat, v => Assert.Equal(0.3f, v, 5));
    }
}
