using System.CommandLine;
using System.Globalization;
using Ridcp.Bricks.Neighborhood;
using Ridcp.Core;
using TorchSharp;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp bench attention`: one encoder transformer block, Swin against NAT / DiNAT at equal width, and the
/// dense GEMM of the NA core's arithmetic (how far the gather-based NA is from a fused kernel). Default: the latent of
/// a 1-megapixel photo (256×256) at the small config's width (64 channels, 2 heads).</summary>
public static class BenchAttentionCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "Latent side (image side / 4)", DefaultValueFactory = _ => 256 };
        var dim = new Option<int>("--dim") { Description = "Channels (embedding width)", DefaultValueFactory = _ => 64 };
        var heads = new Option<int>("--heads") { Description = "Attention heads", DefaultValueFactory = _ => 2 };
        var window = new Option<int>("--window") { Description = "Swin window size", DefaultValueFactory = _ => 8 };
        var kernel = new Option<int>("--kernel") { Description = "NA kernel size", DefaultValueFactory = _ => 7 };
        var dilation = new Option<int>("--dilation") { Description = "DiNAT dilation", DefaultValueFactory = _ => 4 };
        var runs = new Option<int>("--runs") { Description = "Timed runs after one warm-up", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "Torch intra-op threads (default: TorchSharp's choice)" };
        var device = CommonOptions.Device();
        var verbose = CommonOptions.Verbose();
        var cmd = new Command("attention", "Seconds per forward of one Swin, NAT and DiNAT block at equal width, and the fused-kernel bound");
        foreach (var o in new Option[] { size, dim, heads, window, kernel, dilation, runs, threads, device, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            var inv = CultureInfo.InvariantCulture;
            IReadOnlyList<AttentionBenchmark.Row> rows;
            try
            {
                if (parse.GetValue(threads) is int t) torch.set_num_threads(t);
                rows = AttentionBenchmark.Run(parse.GetValue(size), parse.GetValue(dim), parse.GetValue(heads), parse.GetValue(window),
                    parse.GetValue(kernel), parse.GetValue(dilation), parse.GetValue(runs), Devices.Parse(parse.GetValue(device)!));
            }
            catch (Exception e) { return CliErrors.Report(parse, e, parse.GetValue(verbose)); }
#if DEBUG
            o.WriteLine("note: debug build, figures not representative (use dotnet run -c Release)");
#endif
            o.WriteLine($"latent {parse.GetValue(size)}x{parse.GetValue(size)}x{parse.GetValue(dim)}, {parse.GetValue(heads)} heads, {parse.GetValue(runs)} runs (best shown), {torch.get_num_threads()} torch threads, load {MachineLoad.OneMinute()}");
            o.WriteLine($"{"block",-58} {"best s",9} {"x swin",7} {"GMAC",8} {"GMAC/s",8}");
            double swin = rows[0].Best;
            foreach (var r in rows)
                o.WriteLine($"{r.Name,-58} {r.Best.ToString("F4", inv),9} {(r.Best / swin).ToString("F2", inv),7} {(r.Macs / 1e9).ToString("F3", inv),8} {(r.Macs / 1e9 / r.Best).ToString("F2", inv),8}");
            var core = rows.First(r => r.Name.StartsWith("na attention", StringComparison.Ordinal));
            var gemm = rows[^1];
            o.WriteLine($"NA core vs its dense-GEMM bound: {(core.Best / gemm.Best).ToString("F1", inv)}x slower");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
