using System.CommandLine;
using System.Globalization;
using Ridcp.Imaging;
using Ridcp.Metrics;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp bench metrics [--image FILE] [--runs N] [--metrics LIST]`: seconds per megapixel of every metric.</summary>
public static class BenchMetricsCommand
{
    public static Command Create()
    {
        var image = new Option<string?>("--image") { Description = "Image to time the metrics on (default: a generated 1024x1024 picture)" };
        var runs = new Option<int>("--runs") { Description = "Timed runs per metric (after one warm-up run)", DefaultValueFactory = _ => 5 };
        var threads = new Option<int>("--threads") { Description = "Threads a metric may use (-1: all cores; 1: single-thread cost)", DefaultValueFactory = _ => -1 };
        var metrics = new Option<string?>("--metrics") { Description = $"Comma-separated metrics (default: all of {string.Join(", ", Metric.Names)})" };
        var cmd = new Command("metrics", "Seconds per megapixel of PSNR, SSIM, CIEDE2000, FADE, NIQE and BRISQUE");
        var verbose = CommonOptions.Verbose();
        foreach (var o in new Option[] { image, runs, threads, metrics, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse => CliErrors.Run(parse, parse.GetValue(verbose), () =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var path = parse.GetValue(image);
            var img = path is null ? null : ImageFile.Read(path);
            var list = parse.GetValue(metrics) is { } m ? Metric.ParseList(m) : null;
            var results = MetricsBenchmark.Run(img, parse.GetValue(runs), list, parse.GetValue(threads));
            var inv = CultureInfo.InvariantCulture;
#if DEBUG
            stdout.WriteLine("note: debug build, figures not representative (use dotnet run -c Release)");
#endif
            stdout.WriteLine($"image {results[0].Megapixels.ToString("F3", inv)} MP, {results[0].Runs} runs, threads {(parse.GetValue(threads) < 0 ? "all" : parse.GetValue(threads).ToString(inv))} of {Environment.ProcessorCount} cores, load {MachineLoad.OneMinute()}");
            stdout.WriteLine("metric     wall s/MP   cpu s/MP");
            foreach (var r in results)
                stdout.WriteLine($"{r.Metric,-9} {r.WallSecondsPerMp.ToString("F4", inv),10} {r.CpuSecondsPerMp.ToString("F4", inv),10}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
