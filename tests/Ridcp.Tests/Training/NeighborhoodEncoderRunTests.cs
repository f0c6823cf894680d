using Ridcp.Bricks;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Matching;
using Ridcp.Models;
using Ridcp.Training;
using Ridcp.Training.Config;
using Xunit;

namespace Ridcp.Tests.Training;

/// <summary>Stage 2 with a neighborhood-attention encoder (network_g.encoder_attention nat / dinat, issue 13): trains,
/// saves, resumes exactly, and its generator file feeds the dehazer and CHM.</summary>
public class NeighborhoodEncoderRunTests
{
    private static string Config(string dir, string attention, int iterations)
    {
        string path = Path.Combine(dir, $"ridcp-{attention}.yml");
        File.WriteAllText(path, $$"""
            name: ridcp-{{attention}}
            manual_seed: 4
            datasets:
              data_root: data
              train: {dataroot_gt: clear, depth_prior: outdoor, gt_size: 32, batch_size_per_gpu: 2, num_worker_per_gpu: 1}
              val: {num_val: 1, val_size: 48}
            network_g:
              gt_resolution: 256
              codebook_params: [[64, 32, 32]]
              channel_query_dict: {64: 32, 128: 32, 256: 32}
              swin_blk_depth: 2
              swin_num_blocks: 1
              swin_num_heads: 2
              swin_input_resolution: 8
              encoder_attention: {{attention}}
              nat_kernel_size: 3
            network_d: {num_in_ch: 32, num_feat: 8}
            train:
              total_iter: {{iterations}}
              pixel_opt: {loss_weight: 1.0}
              perceptual_opt: {loss_weight: 0}
              gan_opt: {loss_weight: 0.1}
              codebook_opt: {loss_weight: 1.0}
            val: {val_freq: 2, num_img: 1}
            logger: {print_freq: 100, save_checkpoint_freq: 1}
            """);
        return path;
    }

    private static TrainOutcome Train(string? config, string outDir, string hq, bool resume = false, long? iterations = null) =>
        TrainingService.Run(new TrainRequest(TrainStage.Ridcp, config, outDir, resume, null, iterations, hq), new LogLineProgress(TextWriter.Null, 100), CancellationToken.None);

    [Theory]
    [InlineData("nat", EncoderAttention.Nat)]
    [InlineData("dinat", EncoderAttention.Dinat)]
    public void A_neighborhood_encoder_trains_resumes_exactly_and_feeds_the_dehazer_and_chm(string name, EncoderAttention attention)
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        TinySetup.ImageFolder(Path.Combine(root, "data", "clear"), count: 3, size: 64);
        string hq = Path.Combine(root, "vqgan.pth");
        using (var stage1 = new VQWeightDehazeNet(TinySetup.Net(lq: false))) NetworkFile.Write(hq, stage1);
        string cfg = Config(root, name, 2);

        string a = Path.Combine(root, "a"), b = Path.Combine(root, "b");
        Train(cfg, a, hq);
        Train(cfg, b, hq, iterations: 1);
        Train(null, b, hq, resume: true, iterations: 2);
        Assert.Equal(File.ReadAllLines(Path.Combine(a, "losses.csv")), File.ReadAllLines(Path.Combine(b, "losses.csv")));
        Assert.Contains($"encoder_attention: '{name}'", File.ReadAllText(Path.Combine(a, "config.yml")));

        string weights = Path.Combine(a, "net_g_latest.pth");
        using (var file = NetworkFile.Read(weights))
        {
            Assert.Equal(attention, file.Architecture!.EncoderAttention);
            Assert.Equal(3, file.Architecture.NatKernelSize);
            Assert.Contains("multiscale_encoder.blocks.2.swin_blks.0.residual_group.blocks.1.attn.rpb", file.StateDict.Keys);
            Assert.DoesNotContain(file.StateDict.Keys, k => k.Contains("relative_position") || k.Contains("attn_mask"));
        }

        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = weights });
        Assert.Equal(attention, dehazer.Architecture.EncoderAttention);
        var output = dehazer.Dehaze(new RgbImage(50, 40));
        Assert.Equal((50, 40), (output.Width, output.Height));
        Assert.All(output.Data, v => Assert.True(float.IsFinite(v)));

        using var chm = ChmNetwork.Load(weights, "lq");
        using var features = chm.Features(new RgbImage(64, 48));
        Assert.Equal(32, features.shape[1]);
    }
}
