using Ridcp.Matching;
using SkiaSharp;
using Xunit;

namespace Ridcp.Tests.Matching;

public class ChmPlotsTests
{
    [Fact]
    public void The_kl_curve_and_the_histograms_are_written_as_png()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"chm-plots-{Guid.NewGuid():N}");
        try
        {
            var r = AlphaSearch.Run(a => Math.Abs(a + 3), new AlphaSearchOptions { Min = -10, Max = 10 });
            string curve = Path.Combine(dir, "kl.png"), hist = Path.Combine(dir, "hist.png");
            ChmPlots.WriteKlCurve(curve, r);
            ChmPlots.WriteHistograms(hist, [0.5, 0.25, 0.25, 0], [0.25, 0.25, 0.25, 0.25], [0.4, 0.3, 0.2, 0.1], r.Alpha);
            using var c = SKBitmap.Decode(curve);
            using var h = SKBitmap.Decode(hist);
            Assert.Equal((1000, 500), (c.Width, c.Height));
            Assert.Equal((1000, 900), (h.Width, h.Height));
            // a drawn figure, not a blank canvas: several distinct colours in each panel
            for (int panel = 0; panel < 3; panel++)
            {
                var colours = new HashSet<SKColor>();
                for (int y = panel * 300; y < (panel + 1) * 300; y += 3)
                    for (int x = 0; x < 1000; x += 3) colours.Add(h.GetPixel(x, y));
                Assert.True(colours.Count > 5, $"panel {panel} looks empty");
            }
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
