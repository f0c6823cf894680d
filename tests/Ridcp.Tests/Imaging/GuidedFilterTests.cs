using Xunit;
using Ridcp.Imaging;

namespace Ridcp.Tests.Imaging;

public class GuidedFilterTests
{
    [Fact]
    public void Box_sum_equals_the_brute_force_sum_over_the_clipped_window()
    {
        int w = 23, h = 17, r = 4;
        var rng = new Random(3);
        var x = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        var s = GuidedFilter.BoxSum(x, w, h, r);
        for (int y = 0; y < h; y++)
            for (int c = 0; c < w; c++)
            {
                double e = 0;
                for (int yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
                    for (int cc = Math.Max(0, c - r); cc <= Math.Min(w - 1, c + r); cc++) e += x[yy * w + cc];
                Assert.Equal(e, s[y * w + c], 1e-9);
            }
    }

    [Theory]
    [InlineData(23, 17, 4)]
    [InlineData(5, 9, 60)] // radius larger than the image: every window is the whole image
    public void Box_sum_handles_any_radius(int w, int h, int r)
    {
        var x = Enumerable.Range(0, w * h).Select(i => (float)(i % 7)).ToArray();
        var s = GuidedFilter.BoxSum(x, w, h, r);
        int y = h / 2, c = w / 2;
        double e = 0;
        for (int yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
            for (int cc = Math.Max(0, c - r); cc <= Math.Min(w - 1, c + r); cc++) e += x[yy * w + cc];
        Assert.Equal(e, s[y * w + c], 1e-9);
    }

    [Fact]
    public void A_constant_input_comes_out_unchanged()
    {
        int w = 40, h = 30;
        var rng = new Random(5);
        var guide = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        var p = Enumerable.Repeat(0.37f, w * h).ToArray();
        var q = GuidedFilter.Apply(guide, p, w, h, radius: 6, epsilon: 1e-4);
        foreach (var v in q) Assert.Equal(0.37f, v, 1e-5f);
    }

    [Fact]
    public void An_edge_of_the_guide_is_kept_where_a_box_blur_would_smear_it()
    {
        // Step edge in both guide and input: with a small epsilon the output keeps the step (edge-preserving property).
        int w = 40, h = 10;
        var step = new float[w * h];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) step[y * w + x] = x < 20 ? 0.2f : 0.8f;
        var q = GuidedFilter.Apply(step, step, w, h, radius: 5, epsilon: 1e-4);
        Assert.Equal(0.2f, q[5 * w + 18], 0.01f);
        Assert.Equal(0.8f, q[5 * w + 21], 0.01f);
    }
}
