using System.Globalization;
using System.Text.RegularExpressions;
using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Matching;
using Ridcp.Models;
using Ridcp.Tests.Cli;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Matching;

/// <summary>The whole CHM chain from the command line on a small network with deterministic weights:
/// stats (hq, lq) → weight → alpha, checked against the network's own code indices.</summary>
public class ChmChainTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-chm-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);
    string P(params string[] parts) => Path.Combine([dir, .. parts]);

    static VQWeightDehazeNetOptions SmallHq => TestCheckpoints.Small with { LqStage = false, UseWeight = false };

    /// <summary>Smooth colour patterns; "hazy" ones are blended towards a grey-white airlight (t = 0.5).</summary>
    void WriteImages(string folder, int count, bool hazy)
    {
        Directory.CreateDirectory(folder);
        for (int n = 0; n < count; n++)
        {
            int w = 44 + 4 * n, h = 40;
            var img = new RgbImage(w, h);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                    {
                        double v = 0.5 + 0.45 * Math.Sin(0.3 * x * (c + 1) + 0.2 * y * (n + 1) + c);
                        img[c, y, x] = (float)(hazy ? 0.5 * v + 0.5 * 0.9 : v);
                    }
            ImageFile.Write(img, Path.Combine(folder, $"img{n}.png"));
        }
    }

    /// <summary>Code counts from the network's own quantizer (test() at this α), over the tokens that cover the image.</summary>
    static long[] NetworkCounts(VQWeightDehazeNet net, string folder, float alpha, int codes)
    {
        var counts = new long[codes];
        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            using var scope = NewDisposeScope();
            var img = ImageFile.Read(file);
            var (_, idx) = net.Test(img.ToTensor(), alpha);
            var cropped = idx.narrow(2, 0, (img.Height + 3) / 4).narrow(3, 0, (img.Width + 3) / 4).contiguous();
            foreach (long k in cropped.data<long>()) counts[k]++;
        }
        return counts;
    }

    [Fact]
    public void Stats_weight_and_alpha_run_from_the_command_line_and_agree_with_the_network()
    {
        string hq = TestCheckpoints.Write(P("hq.pth"), SmallHq, SmallHq);
        string lq = TestCheckpoints.WriteSmall(P("lq.pth"));
        WriteImages(P("clear"), 3, hazy: false);
        WriteImages(P("hazy"), 3, hazy: true);

        var r1 = CliRun.AsMain("chm", "stats", "--weights", hq, "--images", P("clear"), "-o", P("p1.json"), "--stage", "hq");
        Assert.True(r1.ExitCode == 0, r1.Err);
        var r2 = CliRun.AsMain("chm", "stats", "--weights", lq, "--images", P("hazy"), "-o", P("p2.json"), "--stage", "lq");
        Assert.True(r2.ExitCode == 0, r2.Err);
        var p1 = CodeStatistics.Load(P("p1.json"));
        var p2 = CodeStatistics.Load(P("p2.json"));
        Assert.Equal(3, p1.Images);
        Assert.Equal(10 * 11 + 10 * 12 + 10 * 13, p1.Tokens); // ⌈40/4⌉ × ⌈w/4⌉ for w = 44, 48, 52

        using (var hqNet = new VQWeightDehazeNet(SmallHq))
        {
            Parity.DeterministicWeights.Fill(hqNet);
            hqNet.eval();
            Assert.Equal(NetworkCounts(hqNet, P("clear"), 0f, 64), p1.Counts.ToArray());
        }

        var r3 = CliRun.AsMain("chm", "weight", "--clear", P("p1.json"), "--hazy", P("p2.json"), "-o", P("chm.pth"));
        Assert.True(r3.ExitCode == 0, r3.Err);
        var weight = ChmWeight.Load(P("chm.pth"));
        Assert.Equal(ChmWeight.FromStatistics(p1, p2).Values, weight.Values);
        Assert.Equal(p1.Counts.ToArray(), CodeStatistics.Load(ChmWeight.ClearStatisticsPath(P("chm.pth"))).Counts.ToArray());

        var r4 = CliRun.AsMain("chm", "alpha", "--weights", lq, "--chm-weight", P("chm.pth"), "--clear-stats", P("p1.json"),
                             "--images", P("hazy"), "--plots", P("plots"), "--alpha-range", "-100:100");
        Assert.True(r4.ExitCode == 0, r4.Err);
        string last = r4.Out.TrimEnd().Split('\n')[^1];
        var m = Regex.Match(last, @"^alpha: (-?[0-9.]+)$");
        Assert.True(m.Success, last);
        float alpha = float.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(alpha, -100, 100);
        Assert.True(File.Exists(P("plots", "chm_kl_curve.png")) && File.Exists(P("plots", "chm_histograms.png")));

        // the KL reported at α̂ is the KL of the network's own weighted matching at α̂
        // (the lower of the search's minimum and the exact sweep's, whichever the printed α comes from)
        var minima = Regex.Matches(r4.Out, @"minimum ([0-9.eE+-]+) on").Select(x => double.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, minima.Count);
        using var lqNet = new VQWeightDehazeNet(TestCheckpoints.Small);
        Parity.DeterministicWeights.Fill(lqNet);
        using (var w = weight.ToTensor()) lqNet.SetChmWeight(w);
        lqNet.eval();
        double kl = KlDivergence.Compute(p1.Frequencies(), NetworkCounts(lqNet, P("hazy"), alpha, 64));
        Assert.Equal(minima.Min(), kl, 1e-5); // printed with 6 significant digits
        // and it is no worse than plain matching
        double klZero = KlDivergence.Compute(p1.Frequencies(), NetworkCounts(lqNet, P("hazy"), 0f, 64));
        Assert.True(kl <= klZero + 1e-12);
    }

    [Fact]
    public void Dehaze_with_alpha_auto_uses_the_alpha_it_reports_for_each_image()
    {
        string lq = TestCheckpoints.WriteSmall(P("lq.pth"));
        WriteImages(P("clear"), 2, hazy: false);
        WriteImages(P("hazy"), 2, hazy: true);
        Assert.Equal(0, CliRun.AsMain("chm", "stats", "--weights", lq, "--images", P("clear"), "-o", P("p1.json"), "--stage", "lq").ExitCode);
        Assert.Equal(0, CliRun.AsMain("chm", "stats", "--weights", lq, "--images", P("hazy"), "-o", P("p2.json"), "--stage", "lq").ExitCode);
        Assert.Equal(0, CliRun.AsMain("chm", "weight", "--clear", P("p1.json"), "--hazy", P("p2.json"), "-o", P("chm.pth")).ExitCode);

        var r = CliRun.AsMain("dehaze", P("hazy"), "-o", P("out"), "--weights", lq, "--chm-weight", P("chm.pth"), "--alpha", "auto", "--alpha-range", "-80:80");
        Assert.True(r.ExitCode == 0, r.Err);
        foreach (string name in new[] { "img0.png", "img1.png" })
        {
            var m = Regex.Match(r.Out, Regex.Escape(name) + @" \([0-9.]+ s, alpha (-?[0-9.]+)\)");
            Assert.True(m.Success, r.Out);
            string alpha = m.Groups[1].Value;
            Assert.InRange(double.Parse(alpha, CultureInfo.InvariantCulture), -80, 80);
            // the same image dehazed with that α given explicitly is the same file
            var fixedRun = CliRun.AsMain("dehaze", P("hazy", name), "-o", P("fixed", name), "--weights", lq, "--chm-weight", P("chm.pth"), "--alpha", alpha);
            Assert.True(fixedRun.ExitCode == 0, fixedRun.Err);
            Assert.Equal(File.ReadAllBytes(P("fixed", name)), File.ReadAllBytes(P("out", name)));
        }

        // without the clear statistics beside the weight there is nothing to aim at
        File.Copy(P("chm.pth"), P("lonely.pth"));
        var noP1 = CliRun.AsMain("dehaze", P("hazy"), "-o", P("out2"), "--weights", lq, "--chm-weight", P("lonely.pth"), "--alpha", "auto");
        Assert.Equal(ExitCodes.BadInput, noP1.ExitCode);
        Assert.Contains("p1.json", noP1.Err);
        var noChm = CliRun.AsMain("dehaze", P("hazy"), "-o", P("out3"), "--weights", lq, "--alpha", "auto");
        Assert.Equal(ExitCodes.Usage, noChm.ExitCode);
        Assert.Single(noChm.ErrLines);
    }

    [Fact]
    public void An_alpha_sweep_writes_one_output_per_alpha_and_a_contact_sheet()
    {
        string lq = TestCheckpoints.WriteSmall(P("lq.pth"));
        WriteImages(P("hazy"), 1, hazy: true);
        using (var t = TorchSharp.torch.linspace(-0.01, 0.01, 64)) Ridcp.Checkpoints.CheckpointWriter.WriteTensor(P("chm.pth"), t);
        var r = CliRun.AsMain("dehaze", P("hazy", "img0.png"), "-o", P("out", "x.png"), "--weights", lq, "--chm-weight", P("chm.pth"), "--alpha-sweep", "-200:200:200");
        Assert.True(r.ExitCode == 0, r.Err);
        foreach (string a in new[] { "-200", "0", "200" }) Assert.True(File.Exists(P("out", $"x_alpha{a}.png")), a);
        var sheet = ImageFile.Read(P("out", "x_sweep.png"));
        Assert.True(sheet.Width > 4 * 320 && sheet.Height > 320 * 40 / 44, $"{sheet.Width}x{sheet.Height}");
        // the first label ("input") is drawn as dark text on the white strip under the first tile (needs a font file)
        if (FigureFont.File is not null)
        {
            int tileHeight = (int)Math.Round(320.0 * 40 / 44), top = 8 + tileHeight, dark = 0; // image 0 is 44x40
            for (int y = top; y < top + 28; y++)
                for (int x = 8; x < 8 + 320; x++)
                    if (sheet[0, y, x] < 0.5f) dark++;
            Assert.InRange(dark, 20, 320 * 28 / 4);
        }
        var plain = CliRun.AsMain("dehaze", P("hazy", "img0.png"), "-o", P("plain.png"), "--weights", lq, "--chm-weight", P("chm.pth"), "--alpha", "0");
        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(File.ReadAllBytes(P("plain.png")), File.ReadAllBytes(P("out", "x_alpha0.png")));
        Assert.NotEqual(File.ReadAllBytes(P("out", "x_alpha-200.png")), File.ReadAllBytes(P("out", "x_alpha0.png")));

        var bad = CliRun.AsMain("dehaze", P("hazy", "img0.png"), "-o", P("out", "y.png"), "--weights", lq, "--chm-weight", P("chm.pth"), "--alpha-sweep", "10:-10:5");
        Assert.Equal(ExitCodes.Usage, bad.ExitCode);
    }

    [Fact]
    public void Bad_inputs_give_one_error_line_and_the_documented_exit_code()
    {
        string hq = TestCheckpoints.Write(P("hq.pth"), SmallHq, SmallHq);
        WriteImages(P("clear"), 1, hazy: false);

        var missing = CliRun.AsMain("chm", "stats", "--weights", hq, "--images", P("nothing-here"), "-o", P("s.json"));
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Single(missing.ErrLines);

        var wrongStage = CliRun.AsMain("chm", "stats", "--weights", hq, "--images", P("clear"), "-o", P("s.json"), "--stage", "lq");
        Assert.Equal(ExitCodes.BadInput, wrongStage.ExitCode);
        Assert.Contains("HQ", wrongStage.Err);
        Assert.Single(wrongStage.ErrLines);

        File.WriteAllText(P("broken.json"), "{ not json");
        var broken = CliRun.AsMain("chm", "weight", "--clear", P("broken.json"), "--hazy", P("broken.json"), "-o", P("w.pth"));
        Assert.Equal(ExitCodes.BadInput, broken.ExitCode);
        Assert.Single(broken.ErrLines);
        Assert.False(File.Exists(P("w.pth")));

        var range = CliRun.AsMain("chm", "bench", "--alpha-range", "5:-5");
        Assert.Equal(ExitCodes.Usage, range.ExitCode);
        Assert.Single(range.ErrLines);

        var stage = CliRun.AsMain("chm", "stats", "--weights", hq, "--images", P("clear"), "-o", P("s.json"), "--stage", "mq");
        Assert.Equal(ExitCodes.Usage, stage.ExitCode);
    }
}
