using Ridcp.Imaging;
using Ridcp.Core;
using ScottPlot;
using SkiaSharp;

namespace Ridcp.Matching;

/// <summary>PNG figures of the α search: the KL(α) curve, and the three code-frequency histograms (p1 of the clear
/// images, p2 of the hazy images at α = 0 and at α̂), as the authors' recipe compares them. Written atomically.</summary>
public static class ChmPlots
{
    const int Width = 1000;
    const int CurveHeight = 500;
    const int PanelHeight = 300;

    /// <summary>The curve of the search, and the α recommended with its plateau: the search's own unless
    /// <paramref name="recommended"/> is given (the exact sweep's, when it found a lower minimum: the figure must show
    /// the value the command prints).</summary>
    public static void WriteKlCurve(string path, AlphaSearchResult result, (double Alpha, double Low, double High)? recommended = null)
    {
        var (alpha, plateauLow, plateauHigh) = recommended ?? (result.Alpha, result.PlateauLow, result.PlateauHigh);
        var plot = new Plot();
        FigureFont.Apply(plot);
        var xs = result.Curve.Select(c => c.Alpha).ToArray();
        var ys = result.Curve.Select(c => c.Kl).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.MarkerSize = 3;
        line.LegendText = "KL(p1 || p_hazy(α))";
        var chosen = plot.Add.VerticalLine(alpha);
        chosen.LegendText = $"α̂ = {alpha:0.####} (plateau {plateauLow:0.####} … {plateauHigh:0.####})";
        chosen.LinePattern = LinePattern.Dashed;
        plot.Title("CHM: KL divergence to the clear images' code frequencies");
        plot.XLabel("α");
        plot.YLabel("KL (nats)");
        plot.ShowLegend();
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(Width, CurveHeight, ImageFormat.Png));
    }

    public static void WriteHistograms(string path, double[] p1, double[] p2AtZero, double[] p2AtAlpha, double alpha)
    {
        var panels = new[]
        {
            Histogram(p1, "p1: clear images (HQ VQGAN)"),
            Histogram(p2AtZero, "p2: hazy images, α = 0 (nearest matching)"),
            Histogram(p2AtAlpha, $"p2: hazy images, α̂ = {alpha:0.##}"),
        };
        double yMax = new[] { p1, p2AtZero, p2AtAlpha }.SelectMany(p => p).DefaultIfEmpty(0).Max() * 1.05;
        using var surface = SKSurface.Create(new SKImageInfo(Width, PanelHeight * panels.Length));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Length; i++)
        {
            panels[i].Axes.SetLimits(-1, p1.Length, 0, yMax > 0 ? yMax : 1);
            byte[] png = panels[i].GetImageBytes(Width, PanelHeight, ImageFormat.Png);
            using var panel = SKImage.FromEncodedData(png);
            surface.Canvas.DrawImage(panel, 0, i * PanelHeight, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, data.ToArray());
    }

    static Plot Histogram(double[] p, string title)
    {
        var plot = new Plot();
        FigureFont.Apply(plot);
        var bars = plot.Add.Bars(p);
        foreach (var bar in bars.Bars) { bar.LineWidth = 0; bar.Size = 1; }
        plot.Title(title);
        plot.XLabel("code index");
        plot.YLabel("frequency");
        return plot;
    }
}
