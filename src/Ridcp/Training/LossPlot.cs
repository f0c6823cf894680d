namespace Ridcp.Training;

/// <summary>Draws the curves of <see cref="LossLog"/> into a PNG (ScottPlot): one line per loss term (l_*) against the
/// iteration, with a moving average so the trend shows through the per-batch noise.</summary>
public static class LossPlot
{
    public static void Write(LossLog log, string pngPath, int width = 1000, int height = 600)
    {
        if (log.Rows.Count == 0) return;
        var plot = new ScottPlot.Plot();
        if (FontName.Value is string font) plot.Font.Set(font);
        // Loss terms only (l_*): D outputs and counters (out_d_*, codes_reinit) have other scales.
        foreach (var col in log.Columns.Where(c => c.StartsWith("l_", StringComparison.Ordinal)))
        {
            var pts = log.Rows.Where(r => r.Values.ContainsKey(col)).Select(r => ((double)r.Iter, r.Values[col])).ToArray();
            if (pts.Length == 0) continue;
            var ys = Smooth(pts.Select(p => p.Item2).ToArray(), Math.Max(1, pts.Length / 50));
            var line = plot.Add.Scatter(pts.Select(p => p.Item1).ToArray(), ys);
            line.LegendText = col;
            line.MarkerSize = 0;
        }
        plot.Title("training losses");
        plot.XLabel("iteration");
        plot.YLabel("loss (moving average)");
        plot.ShowLegend();
        byte[] png = plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
        Ridcp.Core.AtomicFile.WriteAllBytes(pngPath, png);
    }

    /// <summary>SkiaSharp's no-dependencies native build cannot ask fontconfig for system fonts, so without this the
    /// labels come out empty on Linux: register the first common sans font file found.</summary>
    private static readonly Lazy<string?> FontName = new(() =>
    {
        string[] candidates =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/Library/Fonts/Arial.ttf", @"C:\Windows\Fonts\arial.ttf",
        ];
        var file = candidates.FirstOrDefault(File.Exists);
        if (file is null) return null;
        ScottPlot.Fonts.AddFontFile("RidcpPlotSans", file);
        return "RidcpPlotSans";
    });

    private static double[] Smooth(double[] v, int window)
    {
        var o = new double[v.Length];
        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            sum += v[i];
            if (i >= window) sum -= v[i - window];
            o[i] = sum / Math.Min(i + 1, window);
        }
        return o;
    }
}
