using Xunit;
using Ridcp.Baselines;

namespace Ridcp.Tests.Baselines;

public class MinFilterTests
{
    [Theory]
    [InlineData(37, 23, 15)]
    [InlineData(10, 7, 15)] // window larger than the image
    [InlineData(16, 16, 1)]
    [InlineData(31, 5, 3)]
    public void Van_Herk_min_filter_equals_the_brute_force_minimum_over_the_clipped_window(int w, int h, int k)
    {
        var rng = new Random(w * 1000 + h * 10 + k);
        var src = new float[w * h];
        for (int i = 0; i < src.Length; i++) src[i] = (float)rng.NextDouble();
        var fast = MinFilter.Apply(src, w, h, k);
        int r = k / 2;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float m = float.PositiveInfinity;
                for (int yy = Math.Max(0, y - r); yy <= Math.Min(h - 1, y + r); yy++)
                    for (int xx = Math.Max(0, x - r); xx <= Math.Min(w - 1, x + r); xx++) m = Math.Min(m, src[yy * w + xx]);
                Assert.Equal(m, fast[y * w + x]);
            }
    }

    [Fact]
    public void Even_windows_are_refused() =>
        Assert.Throws<ArgumentException>(() => MinFilter.Apply(new float[16], 4, 4, 4));
}
