using Ridcp.Imaging;

namespace Ridcp.Training;

/// <summary>Draws the curves of <see cref="LossLog"/> into a PNG (ScottPlot): one line per loss term (l_*) against the
/// iteration, with a moving average so the trend shows through the per-batch noise.</summary>
public static class LossPlot
{
    public static void Write(LossLog log, string pngPath, int width = 1000, int height = 600)
    {
        if (log.Rows.Count == 0) return;
        var plot = new ScottPlot.Plot();
        FigureFont.Apply(plot);
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
