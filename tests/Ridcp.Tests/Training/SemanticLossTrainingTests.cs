using System.Globalization;
using Ridcp.Imaging;
using Ridcp.Models;
using Ridcp.Tests.Losses;
using Ridcp.Training;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Training;

/// <summary>Stage 1 with the semantic loss (VGG19 relu4_4, seeded torchvision-layout weights from
/// <see cref="Vgg19File"/>): the trainer step, whole runs, resume, and the hand-over to stage 2.</summary>
public class SemanticLossTrainingTests(Vgg19File vgg) : IClassFixture<Vgg19File>
{
    private static readonly List<(string, RgbImage, RgbImage)> NoVal = [];

    private static TrainOutcome Train(TrainStage stage, string? config, string outDir, bool resume = false, long? iterations = null,
                                      string? dataRoot = null, string? hq = null, string? vggWeights = null) =>
        TrainingService.Run(new TrainRequest(stage, config, outDir, resume, dataRoot, iterations, hq, VggWeights: vggWeights),
                            new LogLineProgress(TextWriter.Null, 100), CancellationToken.None);

    private static string[] Rows(string runDir) => File.ReadAllLines(Path.Combine(runDir, "losses.csv"));

    private static double[] Column(string runDir, string name)
    {
        var rows = Rows(runDir);
        int col = Array.IndexOf(rows[0].Split(','), name);
        Assert.True(col > 0, $"no column {name} in {rows[0]}");
        return rows.Skip(1).Select(r => double.Parse(r.Split(',')[col], CultureInfo.InvariantCulture)).ToArray();
    }

    [Fact]
    public void Semantic_loss_falls_when_overfitting_one_batch()
    {
        manual_seed(1);
        // Weight 1 instead of the recipe's 0.1, so that the term itself drives the fit. The tiny net's 32-code
        // quantised features cannot reach seeded random VGG features closely: here the loss falls steadily, ~23% in
        // 30 steps; an untrained conv_semantic (the term left out of the total) would not move it that way.
        var opt = TinySetup.Options(TrainStage.Vqgan, lr: 1e-3) with { Losses = new LossOptions { Perceptual = 0, Semantic = 1.0 } };
        var net = new VQWeightDehazeNet(TinySetup.Net(false) with { UseSemanticLoss = true });
        using var model = new VqganTrainer(opt, CPU, net, null, NoVal, Ridcp.Losses.Vgg19Features.Load(vgg.Path));
        using var gt = TinySetup.SmoothBatch(2, 32, 7);
        var sem = new List<double>();
        for (int i = 1; i <= 30; i++)
        {
            using var batch = new TrainBatch(gt.clone(), null, 0);
            var losses = model.OptimizeParameters(i, batch);
            sem.Add(losses["l_semantic"]);
            Assert.Equal(new[] { "l_codebook", "l_semantic", "l_pix" }, losses.Keys.Take(3));
        }
        Assert.All(sem, s => Assert.True(double.IsFinite(s) && s > 0, $"l_semantic {s}"));
        double first = sem.Take(3).Average(), last = sem.TakeLast(3).Average();
        Assert.True(last < 0.85 * first, $"l_semantic {first:F5} -> {last:F5}: {string.Join(" ", sem.Select(v => v.ToString("F4")))}");
    }

    [Fact]
    public void The_tiny_config_with_vgg_weights_logs_l_semantic_and_names_the_file_and_without_them_says_it_is_off()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        string data = Path.Combine(root, "data");
        TinySetup.ImageFolder(Path.Combine(data, "clear"), count: 4, size: 96);
        string cfg = Path.Combine(OptionsLoaderTests.ConfigsDir(), "vqgan-tiny.yml");

        string on = Path.Combine(root, "on");
        Train(TrainStage.Vqgan, cfg, on, iterations: 3, dataRoot: data, vggWeights: vgg.Path);
        Assert.Contains("l_semantic", Rows(on)[0].Split(','));
        Assert.All(Column(on, "l_semantic"), s => Assert.True(double.IsFinite(s) && s > 0, $"l_semantic {s}"));
        string log = File.ReadAllText(Path.Combine(on, "train.log"));
        Assert.Contains($"semantic loss: on, VGG19 relu4_4 from {vgg.Path}, weight 0.1", log);
        string resolved = File.ReadAllText(Path.Combine(on, "config.yml"));
        Assert.Contains("use_semantic_loss: true", resolved);
        Assert.Contains($"pretrain_network_vgg: '{vgg.Path}'", resolved);
        Assert.Contains("semantic_opt: {loss_weight: 0.1}", resolved);
        using (var ck = Ridcp.Checkpoints.TorchCheckpoint.Load(Path.Combine(on, "net_g_latest.pth")))
            Assert.True(NetworkFiles.ReadArch(ck)!.UseSemanticLoss);

        string off = Path.Combine(root, "off");
        Train(TrainStage.Vqgan, cfg, off, iterations: 1, dataRoot: data);
        Assert.DoesNotContain("l_semantic", Rows(off)[0]);
        Assert.Contains("semantic loss: off (no VGG19 weights given", File.ReadAllText(Path.Combine(off, "train.log")));
        Assert.Contains("use_semantic_loss: false", File.ReadAllText(Path.Combine(off, "config.yml")));
    }

    [Fact]
    public void Asking_for_the_semantic_loss_without_vgg_weights_runs_without_it_and_says_why()
    {
        var opt = TinySetup.Options(TrainStage.Vqgan) with
        {
            NetworkG = new Dictionary<string, object>(TinySetup.NetworkG) { ["use_semantic_loss"] = true },
        };
        var (resolved, note) = SemanticLossSetup.Resolve(opt, null);
        Assert.Equal(false, resolved.NetworkG["use_semantic_loss"]);
        Assert.Contains("no VGG19 weights given", note);

        var (withFile, none) = SemanticLossSetup.Resolve(TinySetup.Options(TrainStage.Vqgan), vgg.Path);
        Assert.Equal(true, withFile.NetworkG["use_semantic_loss"]);
        Assert.Equal(vgg.Path, withFile.PretrainNetworkVgg);
        Assert.Null(none);

        Assert.Throws<ArgumentException>(() => SemanticLossSetup.Resolve(TinySetup.Options(TrainStage.Ridcp), vgg.Path));
    }

    [Fact]
    public void A_resumed_run_with_the_semantic_loss_repeats_the_losses_and_its_checkpoint_feeds_stage_2()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        TinySetup.ImageFolder(Path.Combine(root, "data", "clear"), count: 3, size: 64);
        string cfg = Path.Combine(root, "c.yml");
        File.WriteAllText(cfg, """
            manual_seed: 4
            datasets: {data_root: data, train: {dataroot_gt: clear, gt_size: 32, batch_size_per_gpu: 2, use_rot: true}, val: {num_val: 1, val_size: 32}}
            network_g: {codebook_params: [[64, 32, 32]], channel_query_dict: {64: 32, 128: 32, 256: 32}, swin_blk_depth: 2, swin_num_blocks: 1, swin_num_heads: 2}
            network_d: {num_feat: 8}
            train: {total_iter: 4, perceptual_opt: {loss_weight: 0}, pixel_opt: {loss_weight: 1}, gan_opt: {loss_weight: 0.1}, codebook_opt: {loss_weight: 1}, semantic_opt: {loss_weight: 0.1}}
            logger: {save_checkpoint_freq: 2}
            val: {val_freq: 100}
            """);
        string a = Path.Combine(root, "a"), b = Path.Combine(root, "b");
        Train(TrainStage.Vqgan, cfg, a, vggWeights: vgg.Path);
        Train(TrainStage.Vqgan, cfg, b, iterations: 2, vggWeights: vgg.Path);
        Train(TrainStage.Vqgan, null, b, resume: true, iterations: 4);   // RUN_DIR/config.yml carries the VGG file and the flag
        Assert.Contains("l_semantic", Rows(a)[0]);
        Assert.Equal(5, Rows(a).Length);
        Assert.Equal(Rows(a), Rows(b));

        // The stage-1 file holds conv_semantic; stage 2 still loads it (strictly into the frozen copy).
        string cfg2 = Path.Combine(root, "c2.yml");
        File.WriteAllText(cfg2, File.ReadAllText(cfg).Replace("network_d: {num_feat: 8}", "network_d: {num_feat: 8, num_in_ch: 32}")
                                                     .Replace("total_iter: 4", "total_iter: 1"));
        var outcome = Train(TrainStage.Ridcp, cfg2, Path.Combine(root, "stage2"), hq: Path.Combine(a, "net_g_latest.pth"));
        Assert.Equal(1, outcome.LastIter);
    }
}
