using System.Diagnostics;
using Ridcp.Imaging;

namespace Ridcp.Metrics;

/// <summary>Seconds per megapixel of each metric (`ridcp bench metrics`). Wall time is the median of the timed runs;
/// CPU time (all threads of the process) is reported beside it because wall time on a shared machine mostly measures
/// the other processes.</summary>
public static class MetricsBenchmark
{
    public sealed record Result(string Metric, double Megapixels, int Runs, double WallSecondsPerMp, double CpuSecondsPerMp);

    /// <summary>Times every metric on <paramref name="image"/> (default: a deterministic 1024x1024 test picture),
    /// after one untimed warm-up run (JIT, model loading).</summary>
    /// <param name="threads">Threads a metric may use (-1: all cores; 1 gives the single-thread cost).</param>
    public static IReadOnlyList<Result> Run(RgbImage? image = null, int runs = 5, IReadOnlyList<Metric>? metrics = null, int threads = -1)
    {
        if (runs < 1) throw new ArgumentException("runs must be >= 1");
        if (threads == 0 || threads < -1) throw new ArgumentException("threads must be -1 (all cores) or >= 1");
        int previous = ParallelRows.MaxThreads;
        ParallelRows.MaxThreads = threads;
        try { return RunAll(image, runs, metrics); }
        finally { ParallelRows.MaxThreads = previous; }
    }

    static IReadOnlyList<Result> RunAll(RgbImage? image, int runs, IReadOnlyList<Metric>? metrics)
    {
        image ??= TestPicture(1024, 1024);
        metrics ??= Metric.Names.Select(Metric.Parse).ToList();
        var reference = Shifted(image);
        double mp = image.Width * (double)image.Height / 1e6;
        var results = new List<Result>();
        var proc = Process.GetCurrentProcess();
        foreach (var m in metrics)
        {
            var refImg = m.NeedsReference ? reference : null;
            m.Compute(image, refImg); // warm-up
            var walls = new double[runs];
            proc.Refresh();
            var cpu0 = proc.TotalProcessorTime;
            for (int r = 0; r < runs; r++)
            {
                var sw = Stopwatch.StartNew();
                m.Compute(image, refImg);
                walls[r] = sw.Elapsed.TotalSeconds;
            }
            proc.Refresh();
            double cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds / runs;
            Array.Sort(walls);
            results.Add(new Result(m.Column, mp, runs, walls[runs / 2] / mp, cpu / mp));
        }
        return results;
    }

    /// <summary>A deterministic picture with smooth areas, edges, texture and a flat patch (so that every code path
    /// of the metrics runs), values on the 8-bit grid.</summary>
    public static RgbImage TestPicture(int width, int height)
    {
        var img = new RgbImage(width, height);
        var rng = new Random(12345);
        int plane = width * height;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double u = x / (double)width, v = y / (double)height;
                bool flat = u > 0.7 && v < 0.2;
                for (int c = 0; c < 3; c++)
                {
                    double val = flat ? 0.8
                        : 0.45 + 0.3 * Math.Sin(6 * u + c) * Math.Cos(4 * v) + 0.15 * (((x / 32 + y / 32) % 2) - 0.5) + 0.05 * rng.NextDouble();
                    img.Data[c * plane + y * width + x] = (float)(Math.Round(Math.Clamp(val, 0, 1) * 255) / 255);
                }
            }
        return img;
    }

    static RgbImage Shifted(RgbImage img)
    {
        var s = new RgbImage(img.Width, img.Height);
        for (int i = 0; i < img.Data.Length; i++) s.Data[i] = Math.Clamp(img.Data[i] + (i % 7 - 3) / 255f, 0f, 1f);
        return s;
    }
}
