using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Models;
using TorchSharp;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp bench dehaze`: wall time and peak memory of one image through the official configuration
/// (VQWeightDehazeNet LQ stage with CHM, alpha -21.25, test() padding, max-size rule), as in inference_ridcp.py.</summary>
public static class BenchDehazeCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "Image size WIDTHxHEIGHT", DefaultValueFactory = _ => "640x438" };
        var weights = new Option<string?>("--weights") { Description = "Checkpoint to time (default: seeded random weights of the official configuration)" };
        var chm = new Option<string?>("--chm-weight") { Description = "CHM weight file to use with --weights" };
        var runs = new Option<int>("--runs") { Description = "Timed runs after the first (warm-up) run", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "Torch intra-op threads (default: TorchSharp's choice)" };
        var device = CommonOptions.Device();
        var verbose = CommonOptions.Verbose();
        var cmd = new Command("dehaze", "Time `ridcp dehaze` on one image of the official configuration; prints wall time and peak memory");
        foreach (var o in new Option[] { size, weights, chm, runs, threads, device, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            try
            {
                var (w, h) = ParseSize(parse.GetValue(size)!);
                if (parse.GetValue(threads) is int t) torch.set_num_threads(t);
                string? weightsPath = parse.GetValue(weights);
                using var dehazer = weightsPath is null
                    ? Seeded(parse.GetValue(device)!)
                    : Dehazer.Load(new DehazerOptions { WeightsPath = weightsPath, ChmWeightPath = parse.GetValue(chm), Device = parse.GetValue(device)! });
                var image = SeededImage(w, h);
                long? rssBefore = ProcessMemory.CurrentRssBytes();
                o.WriteLine($"ridcp bench dehaze: {w}x{h}, {(weightsPath ?? "seeded random weights")}, official LQ configuration, alpha {dehazer.Alpha.ToString(CultureInfo.InvariantCulture)}, {torch.get_num_threads()} threads, {Environment.ProcessorCount} CPUs");
                int n = Math.Max(0, parse.GetValue(runs));
                var times = new List<double>();
                for (int i = 0; i <= n; i++)
                {
                    var clock = Stopwatch.StartNew();
                    dehazer.Dehaze(image);
                    times.Add(clock.Elapsed.TotalSeconds);
                    o.WriteLine($"run {i + 1}{(i == 0 ? " (first)" : "")}: {times[^1].ToString("0.00", CultureInfo.InvariantCulture)} s");
                }
                var timed = n > 0 ? times.Skip(1).ToList() : times;
                o.WriteLine($"wall time: {timed.Min().ToString("0.00", CultureInfo.InvariantCulture)} s best, {timed.Average().ToString("0.00", CultureInfo.InvariantCulture)} s mean of {timed.Count}");
                o.WriteLine($"peak memory (VmHWM): {Mb(ProcessMemory.PeakRssBytes())}; resident before the first run: {Mb(rssBefore)}");
                return ExitCodes.Ok;
            }
            catch (Exception e)
            {
                return CliErrors.Report(parse, e, parse.GetValue(verbose));
            }
        });
        return cmd;
    }

    static Dehazer Seeded(string device)
    {
        var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialLq);
        BenchmarkWeights.Fill(net);
        return Dehazer.FromNetwork(net, Dehazer.OfficialAlpha, MaxSizeRule.DefaultMaxSize, device);
    }

    /// <summary>A smooth seeded test image (a random image would be an unusually hard case for nothing).</summary>
    static RgbImage SeededImage(int w, int h)
    {
        var rng = new Random(438);
        var img = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
        {
            double fx = rng.NextDouble() * 0.05, fy = rng.NextDouble() * 0.05, ph = rng.NextDouble() * 6;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    img[c, y, x] = (float)(0.5 + 0.3 * Math.Sin(fx * x + fy * y + ph) + 0.05 * rng.NextDouble());
        }
        return img;
    }

    internal static (int W, int H) ParseSize(string s)
    {
        var parts = s.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w > 0 && h > 0) return (w, h);
        throw new ArgumentException($"--size must look like 640x438, got '{s}'");
    }

    static string Mb(long? bytes) => bytes is long b ? $"{(b / 1048576.0).ToString("0", CultureInfo.InvariantCulture)} MiB" : "n/a (no /proc/self/status)";
}
