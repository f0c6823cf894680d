using System.Globalization;
using Ridcp.Imaging;

namespace Ridcp.Training;

/// <summary>Validation curves of several runs in one PNG (ScottPlot): one line per run folder's validation.csv, one
/// metric (psnr, ssim, ...) against the iteration. For comparing variants (docs/nat-ablation.md).</summary>
public static class ValidationPlot
{
    /// <summary>Reads a run's validation.csv without touching it (the trainer may be appending to it).</summary>
    public static IReadOnlyList<(long Iter, double Value)> Read(string runDir, string metric)
    {
        string path = Path.Combine(runDir, "validation.csv");
        if (!File.Exists(path)) throw new FileNotFoundException($"no validation.csv in {runDir}", path);
        var lines = File.ReadAllLines(path);
        var head = lines.Length > 0 ? lines[0].Split(',') : [];
        int col = Array.IndexOf(head, metric);
        if (head.Length == 0 || head[0] != "iter") throw new InvalidDataException($"{path}: first column is not 'iter'");
        if (col < 0) throw new ArgumentException($"{path} has no column '{metric}' (columns: {string.Join(", ", head.Skip(1))})");
        var points = new List<(long, double)>();
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length > col && cells[col].Length > 0)
                points.Add((long.Parse(cells[0], CultureInfo.InvariantCulture), double.Parse(cells[col], CultureInfo.InvariantCulture)));
        }
        return points;
    }

    public static void Write(IReadOnlyList<string> runDirs, string metric, string pngPath, int width = 1000, int height = 600)
    {
        if (runDirs.Count == 0) throw new ArgumentException("give at least one run folder");
        var plot = new ScottPlot.Plot();
        FigureFont.Apply(plot);
        foreach (var dir in runDirs)
        {
            var pts = Read(dir, metric);
            if (pts.Count == 0) continue;
            var line = plot.Add.Scatter(pts.Select(p => (double)p.Iter).ToArray(), pts.Select(p => p.Value).ToArray());
            line.LegendText = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
        }
        plot.Title($"validation {metric}");
        plot.XLabel("iteration");
        plot.YLabel(metric);
        plot.ShowLegend();
        Ridcp.Core.AtomicFile.WriteAllBytes(pngPath, plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png));
    }
}
