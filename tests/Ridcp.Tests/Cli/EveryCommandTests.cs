using Ridcp.Checkpoints;
using Ridcp.Cli;
using Ridcp.Imaging;
using Ridcp.Matching;
using Ridcp.Tests.Training;
using Xunit;

namespace Ridcp.Tests.Cli;

/// <summary>Commands and options no other test ran end to end through the CLI: the benchmarks (at toy sizes: they
/// must run and print their figures, the figures themselves are not asserted), `chm weight --signed`, successful
/// `train` runs with --data, --iterations and --hq-weights, and synthesize options.</summary>
public class EveryCommandTests : IDisposable
{
    readonly TempFolder tmp = new();
    public void Dispose() => tmp.Dispose();

    static void AssertOk(CliRun.Result r) => Assert.True(r.ExitCode == ExitCodes.Ok, $"exit {r.ExitCode}: {r.Err}");

    [Fact]
    public void Train_plot_draws_one_line_per_run_and_refuses_a_column_the_runs_lack()
    {
        foreach (var (run, rows) in new[] { ("swin", "80,12.5,0.30\n160,14.0,0.35\n"), ("nat", "80,12.4,0.31\n160,13.9,0.36\n") })
        {
            Directory.CreateDirectory(tmp.File(run));
            File.WriteAllText(tmp.File(run, "validation.csv"), "iter,psnr_rgb,ssim_rgb\n" + rows);
        }
        string png = tmp.File("curves.png");
        var r = CliRun.AsMain("train", "plot", tmp.File("swin"), tmp.File("nat"), "--metric", "psnr_rgb", "-o", png);
        AssertOk(r);
        Assert.Contains($"wrote {png}", r.Out);
        using (var bitmap = SkiaSharp.SKBitmap.Decode(png)) Assert.Equal((1000, 600), (bitmap.Width, bitmap.Height));

        var bad = CliRun.AsMain("train", "plot", tmp.File("swin"), "--metric", "fade", "-o", tmp.File("bad.png"));
        Assert.NotEqual(ExitCodes.Ok, bad.ExitCode);
        Assert.Contains("no column 'fade'", bad.Err);
        Assert.Single(bad.Err.Trim().Split('\n'));
        Assert.False(File.Exists(tmp.File("bad.png")));
    }

    [Fact]
    public void Bench_metrics_prints_a_row_per_metric()
    {
        string image = tmp.File("x.png");
        ImageFile.Write(new RgbImage(48, 40), image);
        var r = CliRun.AsMain("bench", "metrics", "--image", image, "--runs", "1", "--metrics", "psnr,ssim", "--threads", "1");
        AssertOk(r);
        Assert.Contains("metric     wall s/MP   cpu s/MP", r.Out);
        Assert.Matches(@"(?m)^psnr\s+[0-9.]+\s+[0-9.]+", r.Out);
        Assert.Matches(@"(?m)^ssim\s+[0-9.]+\s+[0-9.]+", r.Out);
    }

    [Fact]
    public void Bench_synthesize_prints_samples_per_second()
    {
        var r = CliRun.AsMain("bench", "synthesize", "--width", "32", "--height", "24", "--samples", "2", "--threads", "1");
        AssertOk(r);
        Assert.Contains("synthesis 32x24, 2 samples, 1 thread(s)", r.Out);
        Assert.Matches(@"pipeline:\s+[0-9.]+ samples/s", r.Out);
    }

    [Fact]
    public void Bench_dehaze_times_the_bundled_weights_on_a_small_image()
    {
        var r = CliRun.AsMain("bench", "dehaze", "--size", "48x32", "--weights", Path.Combine(AppContext.BaseDirectory, "models", "ridcp-small", "ridcp.pth"), "--runs", "1");
        AssertOk(r);
        Assert.Contains("ridcp bench dehaze: 48x32", r.Out);
        Assert.Contains("peak memory (VmHWM): ", r.Out);
    }

    [Fact]
    public void Bench_attention_prints_a_row_per_block_and_the_fused_kernel_bound()
    {
        var r = CliRun.AsMain("bench", "attention", "--size", "16", "--dim", "16", "--heads", "2", "--window", "4", "--kernel", "3", "--dilation", "2", "--runs", "1");
        AssertOk(r);
        Assert.Contains("latent 16x16x16, 2 heads, 1 runs (best shown)", r.Out);
        Assert.Matches(@"(?m)^block\s+best s\s+x swin\s+GMAC\s+GMAC/s", r.Out);
        Assert.Matches(@"NA core vs its dense-GEMM bound: [0-9.]+x slower", r.Out);
    }

    [Fact]
    public void Chm_bench_prints_the_alpha_it_found()
    {
        var r = CliRun.AsMain("chm", "bench", "--images", "2", "--height", "4", "--width", "4", "--codes", "16", "--dim", "8");
        AssertOk(r);
        Assert.Matches(@"(?m)^alpha: -?[0-9.]+\s*$", r.Out);
    }

    [Fact]
    public void Chm_weight_signed_writes_p1_minus_p2_with_its_sign()
    {
        var clear = new CodeStatistics(4, "hq"); clear.AddImage([0, 0, 0, 1]);
        var hazy = new CodeStatistics(4, "lq"); hazy.AddImage([1, 1, 2, 3]);
        clear.Save(tmp.File("p1.json")); hazy.Save(tmp.File("p2.json"));

        var r = CliRun.AsMain("chm", "weight", "--clear", tmp.File("p1.json"), "--hazy", tmp.File("p2.json"), "-o", tmp.File("w.pth"), "--signed");

        AssertOk(r);
        Assert.Contains("signed p1 - p2", r.Out);
        // p1 = (3/4, 1/4, 0, 0), p2 = (0, 2/4, 1/4, 1/4): the signed weight keeps the negative entries.
        Assert.Equal([0.75f, -0.25f, -0.25f, -0.25f], ChmWeight.Load(tmp.File("w.pth")).Values);
    }

    [Fact]
    public void Train_vqgan_runs_to_the_asked_iteration_from_a_data_root_given_on_the_command_line()
    {
        string cfg = TinySetup.CliRunConfig(tmp.Path);
        // The config's data_root is relative ("data"); --data replaces it with an absolute one, so the run works
        // whatever the current folder is.
        var r = CliRun.AsMain("train", "vqgan", "--config", cfg, "--out", tmp.File("run"), "--data", tmp.File("data"), "--iterations", "2");
        AssertOk(r);
        Assert.Contains("finished at iteration 2", r.Out);
        Assert.True(File.Exists(tmp.File("run", "net_g_latest.pth")));
        Assert.Equal(3, File.ReadAllLines(tmp.File("run", "losses.csv")).Length); // header + 2 iterations
    }

    [Fact]
    public void Train_ridcp_starts_from_the_stage1_file_given_by_hq_weights_and_keeps_its_frozen_modules()
    {
        string stage1Config = TinySetup.CliRunConfig(tmp.Path);
        AssertOk(CliRun.AsMain("train", "vqgan", "--config", stage1Config, "--out", tmp.File("stage1"), "--data", tmp.File("data"), "--iterations", "1"));
        string hq = tmp.File("stage1", "net_g_latest.pth");

        var r = CliRun.AsMain("train", "ridcp", "--config", TinySetup.CliRidcpConfig(tmp.Path), "--out", tmp.File("stage2"),
            "--data", tmp.File("data"), "--iterations", "2", "--hq-weights", hq);

        AssertOk(r);
        Assert.Contains("finished at iteration 2", r.Out);
        Assert.Contains($"net_g initialised from {hq}", r.Out);
        // The modules stage 2 freezes (the official frozen_module_keywords) are the stage-1 file's, bit for bit, after
        // training: they came from --hq-weights, not from the seeded initialisation.
        using var stage1 = TorchCheckpoint.ReadStateDict(hq);
        using var stage2 = TorchCheckpoint.ReadStateDict(tmp.File("stage2", "net_g_latest.pth"));
        string[] frozenKeywords = ["quantize", "decoder_group", "after_quant_group", "out_conv"];
        var frozen = stage2.Keys.Where(k => frozenKeywords.Any(k.Contains)).ToList();
        Assert.NotEmpty(frozen);
        using (var _ = TorchSharp.torch.NewDisposeScope())
            foreach (var key in frozen) Assert.True(TensorAssert.Same(stage1[key], stage2[key]), $"{key} differs from the stage-1 file");
    }

    [Fact]
    public void Bench_train_times_both_stages_of_the_small_configs_in_a_folder()
    {
        string configs = tmp.File("configs");
        Directory.CreateDirectory(configs);
        File.Move(TinySetup.CliRunConfig(tmp.Path), Path.Combine(configs, "vqgan-small.yml"));
        File.Move(TinySetup.CliRidcpConfig(tmp.Path), Path.Combine(configs, "ridcp-small.yml"));

        var r = CliRun.AsMain("bench", "train", "--small-config", configs, "--skip-official", "--iterations", "1");

        AssertOk(r);
        Assert.Contains("1 timed iteration(s) after one warm-up", r.Out);
        Assert.Matches(@"(?m)^stage 1 vqgan, vqgan-small\.yml \(batch 1, 32px\): [0-9.]+ s/iteration wall, [0-9.]+ CPU-s/iteration", r.Out);
        Assert.Matches(@"(?m)^stage 2 ridcp, ridcp-small\.yml \(batch 1, 32px\): [0-9.]+ s/iteration wall, [0-9.]+ CPU-s/iteration", r.Out);
        Assert.DoesNotContain("official size", r.Out);
    }

    [Fact]
    public void Synthesize_with_a_depth_prior_transmission_maps_jpeg_and_fixed_values()
    {
        string clear = tmp.File("clear");
        TinySetup.ImageFolder(clear, count: 2, size: 32);
        var r = CliRun.AsMain("synthesize", "--clear", clear, "--depth-prior", "smooth-random", "-o", tmp.File("out"),
            "--per-image", "2", "--seed", "5", "--fixed", "beta=1.0,airlight=0.8", "--gamma-prob", "0", "--noise-level", "3,4",
            "--jpeg-quality", "60,70", "--save-transmission", "--format", "jpg", "--threads", "1");
        AssertOk(r);
        Assert.Contains("wrote 4 hazy image(s) from 2 photo(s)", r.Out);
        var files = Directory.GetFiles(tmp.File("out")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(4, files.Count(f => f.EndsWith(".jpg")));
        Assert.Equal(4, files.Count(f => f.EndsWith("_t.png")));
        Assert.Contains("manifest.jsonl", files);
    }

    [Fact]
    public void Synthesize_refuses_a_non_integer_range_as_a_usage_error()
    {
        var r = CliRun.AsMain("synthesize", "--clear", tmp.Path, "--depth-prior", "constant", "-o", tmp.File("out"), "--noise-level", "2,x");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("--noise-level", Assert.Single(r.ErrLines));
    }
}
