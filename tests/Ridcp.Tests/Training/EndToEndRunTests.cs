using System.Globalization;
using Ridcp.Inference;
using Ridcp.Training;
using Ridcp.Training.Config;
using Xunit;

namespace Ridcp.Tests.Training;

/// <summary>Whole runs through TrainingService on a folder of small generated images: checkpoints, exact resume,
/// stage 1 feeding stage 2, stage 2 feeding the dehazer.</summary>
public class EndToEndRunTests
{
    private static string Config(string dir, string stage, int iterations)
    {
        string path = Path.Combine(dir, $"{stage}.yml");
        File.WriteAllText(path, $$"""
            name: {{stage}}-e2e
            manual_seed: 3
            datasets:
              data_root: data
              train:
                dataroot_gt: clear
                depth_prior: outdoor
                gt_size: 32
                use_flip: true
                use_rot: true
                batch_size_per_gpu: 2
                num_worker_per_gpu: 2
              val:
                num_val: 1
                val_size: 48
            network_g:
              type: VQWeightDehazeNet
              gt_resolution: 256
              codebook_params:
                - [64, 32, 32]
              channel_query_dict: {64: 32, 128: 32, 256: 32}
              swin_blk_depth: 2
              swin_num_blocks: 1
              swin_num_heads: 2
            network_d:
              num_in_ch: {{(stage == "vqgan" ? 3 : 32)}}
              num_feat: 8
            train:
              optim_g: {type: Adam, lr: !!float 2e-4, betas: [0.9, 0.99]}
              optim_d: {type: Adam, lr: !!float 8e-4, betas: [0.9, 0.99]}
              total_iter: {{iterations}}
              pixel_opt: {loss_weight: 1.0}
              perceptual_opt: {loss_weight: 1.0, layers: 1}
              gan_opt: {loss_weight: 0.1}
              codebook_opt: {loss_weight: 1.0}
              dead_code_reinit: {enabled: {{(stage == "vqgan" ? "true" : "false")}}, every: 2}
            val:
              val_freq: 100
              num_img: 1
            logger:
              print_freq: 100
              save_checkpoint_freq: 2
            """);
        return path;
    }

    private static string[] Rows(string runDir) => File.ReadAllLines(Path.Combine(runDir, "losses.csv"));

    private static TrainOutcome Train(TrainStage stage, string config, string outDir, bool resume = false, long? iterations = null, string? hq = null) =>
        TrainingService.Run(new TrainRequest(stage, config, outDir, resume, null, iterations, hq), new LogLineProgress(TextWriter.Null, 100), CancellationToken.None);

    [Fact]
    public void Stopped_and_resumed_runs_give_the_same_losses_as_an_uninterrupted_run_in_both_stages_and_feed_the_dehazer()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        TinySetup.ImageFolder(Path.Combine(root, "data", "clear"), count: 4, size: 64);

        // Stage 1: 6 iterations straight vs 3 + resume to 6.
        string cfg1 = Config(root, "vqgan", 6);
        string a1 = Path.Combine(root, "vqgan-a"), b1 = Path.Combine(root, "vqgan-b");
        Train(TrainStage.Vqgan, cfg1, a1);
        var stop = Train(TrainStage.Vqgan, cfg1, b1, iterations: 3);
        Assert.Equal(3, stop.LastIter);
        var resumed = Train(TrainStage.Vqgan, null!, b1, resume: true, iterations: 6);
        Assert.Equal(6, resumed.LastIter);
        Assert.Equal(Rows(a1), Rows(b1));      // header and all 6 rows, digit for digit
        Assert.Equal(7, Rows(a1).Length);
        Assert.Contains("codes_reinit", Rows(a1)[0]);
        Assert.True(File.Exists(Path.Combine(a1, "net_g_latest.pth")));
        Assert.True(File.Exists(Path.Combine(a1, "losses.png")));
        Assert.True(File.Exists(Path.Combine(a1, "config.yml")));
        Assert.True(Directory.Exists(Path.Combine(a1, "checkpoints", "iter_00000006")));
        Assert.Single(Directory.GetFiles(Path.Combine(a1, "val", "iter_00000006"), "*.png"));

        // Stage 2 from stage 1's generator: again straight vs stopped + resumed.
        string hq = Path.Combine(a1, "net_g_latest.pth");
        string cfg2 = Config(root, "ridcp", 4);
        string a2 = Path.Combine(root, "ridcp-a"), b2 = Path.Combine(root, "ridcp-b");
        Train(TrainStage.Ridcp, cfg2, a2, hq: hq);
        Train(TrainStage.Ridcp, cfg2, b2, iterations: 2, hq: hq);
        Train(TrainStage.Ridcp, cfg2, b2, resume: true, hq: hq);
        Assert.Equal(Rows(a2), Rows(b2));
        Assert.Contains("l_d_real", Rows(a2)[0]);

        // The stage-2 generator file builds the inference network (architecture from 'ridcp_arch'), strictly.
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = Path.Combine(a2, "net_g_latest.pth") });
        Assert.Equal(32, dehazer.Architecture.CodebookParams[0].Size);
        Assert.True(dehazer.Architecture.LqStage);
        var output = dehazer.Dehaze(new Ridcp.Imaging.RgbImage(50, 40));
        Assert.Equal((50, 40), (output.Width, output.Height));
        Assert.All(output.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_run_folder_with_checkpoints_is_not_overwritten_without_resume()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        TinySetup.ImageFolder(Path.Combine(root, "data", "clear"), count: 3, size: 64);
        string cfg = Config(root, "vqgan", 2);
        string run = Path.Combine(root, "run");
        Train(TrainStage.Vqgan, cfg, run);
        var e = Assert.Throws<ArgumentException>(() => Train(TrainStage.Vqgan, cfg, run));
        Assert.Contains("--resume", e.Message);
    }

    [Fact]
    public void Stage2_refuses_a_stage1_file_of_another_architecture()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        TinySetup.ImageFolder(Path.Combine(root, "data", "clear"), count: 3, size: 64);
        string hq = Path.Combine(root, "other.pth");
        var opts = TinySetup.Net(false) with { CodebookParams = [new Ridcp.Models.CodebookSpec(64, 16, 32)] };
        using (var net = new Ridcp.Models.VQWeightDehazeNet(opts)) NetworkFiles.WriteGenerator(hq, net);
        string cfg = Config(root, "ridcp", 2);
        var e = Assert.Throws<ArgumentException>(() => Train(TrainStage.Ridcp, cfg, Path.Combine(root, "run"), hq: hq));
        Assert.Contains("other sizes", e.Message);
    }
}
