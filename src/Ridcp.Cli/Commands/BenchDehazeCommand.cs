using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Inference.Streaming;
using Ridcp.Models;
using TorchSharp;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp bench dehaze`: wall time and peak memory of one image through the official configuration
/// (VQWeightDehazeNet LQ stage with CHM, alpha -21.25, test() padding, max-size rule), as in inference_ridcp.py.
/// Besides wall time it prints the process CPU time (user + system) of each run: on a machine shared with other
/// work, wall time mostly measures the load, CPU time the work done.</summary>
public static class BenchDehazeCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "Image size WIDTHxHEIGHT", DefaultValueFactory = _ => "640x438" };
        var weights = new Option<string?>("--weights") { Description = "Checkpoint to time (default: seeded random weights of the official configuration)" };
        var chm = new Option<string?>("--chm-weight") { Description = "CHM weight file to use with --weights" };
        var runs = new Option<int>("--runs") { Description = "Timed runs after the first (warm-up) run", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "Torch intra-op threads (default: TorchSharp's choice)" };
        var maxMemory = new Option<string?>("--max-memory") { Description = "Memory budget as in `ridcp dehaze` (600M, 2G; default: half the available memory)" };
        var sweep = new Option<string?>("--size-sweep") { Description = "Megapixel sizes to time one after the other, e.g. 1,4,16 (3:2 images), each run twice: prints both runs' time per megapixel (the second is what every further image of that size costs) and the peak" };
        var photo = new Option<string?>("--image") { Description = "Photo to upscale to each size (default: a smooth seeded image)" };
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var peak = new Option<double?>("--peak-gflops") { Description = "The machine's measured matrix peak in GFLOP/s, to print the achieved share of it" };
        var verbose = CommonOptions.Verbose();
        var cmd = new Command("dehaze", "Time `ridcp dehaze` on one image of the official configuration; prints wall time and peak memory");
        foreach (var o in new Option[] { size, weights, chm, runs, threads, maxMemory, sweep, photo, device, precision, peak, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            try
            {
                var (w, h) = ParseSize(parse.GetValue(size)!);
                if (parse.GetValue(threads) is int t) torch.set_num_threads(t);
                string? weightsPath = parse.GetValue(weights);
                long? budget = parse.GetValue(maxMemory) is string mm ? MemoryBudget.Parse(mm) : null;
                var prec = PrecisionSupport.Parse(parse.GetValue(precision));
                using var dehazer = weightsPath is null
                    ? Seeded(parse.GetValue(device)!, budget, prec)
                    : Dehazer.Load(new DehazerOptions { WeightsPath = weightsPath, ChmWeightPath = parse.GetValue(chm), Device = parse.GetValue(device)!, MaxMemoryBytes = budget, Precision = prec });
                // -v: where the time of an image run in stripes goes, a line per stage (of the last run).
                var stageLines = new List<string>();
                if (parse.GetValue(verbose))
                    dehazer.StripeProgress = p =>
                    {
                        if (p.Stage == 1 && p.Stripe == 1) stageLines.Clear();
                        if (p.Stripe == p.Stripes)
                            stageLines.Add($"  stage {p.Stage,2}/{p.Stages} {p.StageName}: {S(p.StageElapsed.TotalSeconds)} s, {p.Stripes} stripes of {p.StripeRows} rows, halo {p.HaloRows}, peak so far {Mb(ProcessMemory.PeakRssBytes())}");
                    };
                if (parse.GetValue(sweep) is string sizes)
                    return SizeSweep(o, dehazer, sizes, parse.GetValue(photo), weightsPath);
                double gflop = NetworkGflop(dehazer, w, h);
                var image = SeededImage(w, h);
                long? rssBefore = ProcessMemory.CurrentRssBytes();
                o.WriteLine($"ridcp bench dehaze: {w}x{h}, {(weightsPath ?? "seeded random weights")}, {(weightsPath is null ? "official LQ configuration" : "architecture of the checkpoint")}, alpha {dehazer.Alpha.ToString(CultureInfo.InvariantCulture)}, precision {prec.ToString().ToLowerInvariant()}, {torch.get_num_threads()} threads, {Environment.ProcessorCount} CPUs");
                o.WriteLine($"network arithmetic: {S(gflop)} GFLOP for this size (convolutions, linear layers, attention and codebook matmuls; Models/NetworkFlops), {S(gflop / (w * (double)h / 1e6))} GFLOP per megapixel of input");
                int n = Math.Max(0, parse.GetValue(runs));
                var times = new List<double>();
                var cpuTimes = new List<double>();
                using var process = Process.GetCurrentProcess();
                for (int i = 0; i <= n; i++)
                {
                    process.Refresh();
                    TimeSpan user0 = process.UserProcessorTime, sys0 = process.PrivilegedProcessorTime;
                    var clock = Stopwatch.StartNew();
                    dehazer.Dehaze(image);
                    times.Add(clock.Elapsed.TotalSeconds);
                    process.Refresh();
                    double user = (process.UserProcessorTime - user0).TotalSeconds, sys = (process.PrivilegedProcessorTime - sys0).TotalSeconds;
                    cpuTimes.Add(user + sys);
                    o.WriteLine($"run {i + 1}{(i == 0 ? " (first)" : "")}: wall {S(times[^1])} s, CPU {S(user + sys)} s (user {S(user)} s, system {S(sys)} s), load average {MachineLoad.OneMinute()}");
                }
                var timed = n > 0 ? times.Skip(1).ToList() : times;
                var timedCpu = n > 0 ? cpuTimes.Skip(1).ToList() : cpuTimes;
                o.WriteLine($"wall time: {S(timed.Min())} s best, {S(timed.Average())} s mean of {timed.Count}");
                o.WriteLine($"CPU time (user + system): {S(timedCpu.Min())} s best, {S(timedCpu.Average())} s mean of {timedCpu.Count}");
                double cpuBest = timedCpu.Min(), wallBest = timed.Min();
                o.WriteLine($"achieved: {S(gflop / wallBest)} GFLOP/s of wall time, {S(gflop / cpuBest)} GFLOP per CPU-second; {S(cpuBest / (w * (double)h / 1e6))} CPU-s per megapixel" +
                            (parse.GetValue(peak) is double p && p > 0 ? $"; {S(100 * gflop / wallBest / p)}% of the {S(p)} GFLOP/s peak (wall)" : ""));
                o.WriteLine($"peak memory (VmHWM): {Mb(ProcessMemory.PeakRssBytes())}; resident before the first run: {Mb(rssBefore)}");
                if (stageLines.Count > 0) o.WriteLine("stages of the last run (wall time):\n" + string.Join("\n", stageLines));
                return ExitCodes.Ok;
            }
            catch (Exception e)
            {
                return CliErrors.Report(parse, e, parse.GetValue(verbose));
            }
        });
        return cmd;
    }

    static Dehazer Seeded(string device, long? budget, Precision precision)
    {
        var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialLq);
        BenchmarkWeights.Fill(net);
        return Dehazer.FromNetwork(net, Dehazer.OfficialAlpha, null, device, budget, precision);
    }

    /// <summary>Wall and CPU seconds of one dehaze.</summary>
    static (double Wall, double Cpu) TimedDehaze(Dehazer dehazer, RgbImage image, Process process)
    {
        GC.Collect();   // the previous run's output image, not this run's memory
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        dehazer.Dehaze(image);
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }

    /// <summary>Two runs per size (3:2 images of the given megapixels), after a reset of the peak: the first run's CPU
    /// time per megapixel, the second's wall and CPU time and its ratio to the first size's, the peak resident memory
    /// of both, and whether the image ran whole or in stripes.</summary>
    static int SizeSweep(TextWriter o, Dehazer dehazer, string sizes, string? photo, string? weightsPath)
    {
        var megapixels = sizes.Split(',').Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v
            : throw new ArgumentException($"--size-sweep takes megapixels such as 1,4,16, got '{sizes}'")).ToList();
        var source = photo is null ? null : ImageFile.Read(photo);
        bool peaks = ProcessMemory.ResetPeak();
        o.WriteLine($"ridcp bench dehaze --size-sweep: {(weightsPath ?? "seeded random weights, official configuration")}, {(photo is null ? "smooth seeded images" : "upscaled " + Path.GetFileName(photo))}, budget {MemoryBudget.Describe(dehazer.MemoryBudgetBytes)}, {torch.get_num_threads()} threads, {Environment.ProcessorCount} CPUs");
        o.WriteLine($"resident before: {Mb(ProcessMemory.CurrentRssBytes())}{(peaks ? "" : " (peaks cannot be reset here: each peak is the largest so far)")}");
        // Each size runs twice, and the second run is the figure: the first run of a process pays for JIT compilation
        // and LibTorch's set-up, and the first image of a size for faulting its heap in and, in stripes, for growing
        // the spill files, at several microseconds per new page on these machines (docs/streaming.md). The second is
        // what every further image of that size costs, as in a folder; the first is printed beside it.
        o.WriteLine("size | MP | first run CPU s/MP | wall s | CPU s | CPU s/MP | vs first size | peak | run as");
        using var process = Process.GetCurrentProcess();
        double? firstSize = null;
        foreach (double mp in megapixels)
        {
            var (w, h) = SweepSize(mp);
            var img = source is null ? SeededImage(w, h) : Upscaled(source, w, h);
            double actual = (double)w * h / 1e6;
            ProcessMemory.ResetPeak();
            var (_, firstCpu) = TimedDehaze(dehazer, img, process);
            var (wall, cpu) = TimedDehaze(dehazer, img, process);
            firstSize ??= cpu / actual;
            string runAs = dehazer.LastStripeBytes is { } b ? $"stripes of {MemoryBudget.Describe(b)} at most" : "whole image";
            o.WriteLine($"{w}x{h} | {actual:0.00} | {S(firstCpu / actual)} | {S(wall)} | {S(cpu)} | {S(cpu / actual)} | {cpu / actual / firstSize:0.00}x | {Mb(ProcessMemory.PeakRssBytes())} | {runAs}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>A 3:2 image of about <paramref name="megapixels"/>.</summary>
    static (int W, int H) SweepSize(double megapixels)
    {
        int w = (int)Math.Round(Math.Sqrt(megapixels * 1e6 * 1.5));
        return (w, (int)Math.Round(w / 1.5));
    }

    static RgbImage Upscaled(RgbImage source, int w, int h)
    {
        using var scope = torch.NewDisposeScope();
        return RgbImage.FromTensor(MaxSizeRule.Resize(source.ToTensor(), h, w).clamp(0, 1));
    }

    /// <summary>GFLOP of one dehaze of a w x h image: the size the network sees after the halving rule and test()'s padding.</summary>
    static double NetworkGflop(Dehazer dehazer, int w, int h)
    {
        bool halve = MaxSizeRule.NeedsHalving(h, w, dehazer.MaxSize);
        long nh = halve ? h / 2 : h, nw = halve ? w / 2 : w;
        int m = dehazer.Architecture.PadMultiple;
        return NetworkFlops.Total(dehazer.Architecture, MirrorPadding.Target(nh, m), MirrorPadding.Target(nw, m)) / 1e9;
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

    static string S(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);

    static string Mb(long? bytes) => bytes is long b ? $"{(b / 1048576.0).ToString("0", CultureInfo.InvariantCulture)} MiB" : "n/a (no /proc/self/status)";
}
