using Ridcp.Imaging;
using Ridcp.Models;
using Ridcp.Training.Config;
using static TorchSharp.torch;

namespace Ridcp.Tests.Training;

/// <summary>Tiny networks, options and data for the training tests (a few hundred thousand parameters, 32-64 px).</summary>
internal static class TinySetup
{
    /// <summary>The tiny network_g (stage-1 form; <see cref="Net"/> sets the stage).</summary>
    public static readonly VQWeightDehazeNetOptions NetworkG = new()
    {
        GtResolution = 256,
        CodebookParams = [new CodebookSpec(64, 32, 32)],
        ChannelQueryDict = new SortedDictionary<int, int> { [64] = 32, [128] = 32, [256] = 32 },
        SwinBlkDepth = 2,
        SwinNumBlocks = 1,
        SwinNumHeads = 2,
    };

    public static VQWeightDehazeNetOptions Net(bool lq) => NetworkG with { LqStage = lq };

    public static TrainOptions Options(TrainStage stage, double lr = 1e-4, double perceptual = 0, int netDIters = 1, long netDInitIters = 0) => new()
    {
        Name = "tiny-test",
        Stage = stage,
        NetworkG = Net(stage == TrainStage.Ridcp),
        FrozenModuleKeywords = stage == TrainStage.Ridcp ? ["quantize", "decoder_group", "after_quant_group", "out_conv"] : [],
        NetworkD = new DiscriminatorOptions { NumInCh = stage == TrainStage.Vqgan ? 3 : 32, NumFeat = 8 },
        OptimG = new OptimOptions { Lr = lr },
        OptimD = new OptimOptions { Lr = 4 * lr },
        Losses = new LossOptions { Perceptual = perceptual, PerceptualLayers = 1 },
        NetDIters = netDIters,
        NetDInitIters = netDInitIters,
        Data = new DataOptions { GtSize = 32, BatchSize = 2, NumVal = 1, ValSize = 32 },
    };

    /// <summary>A smooth colourful image batch [n,3,s,s] in [0,1] (low frequencies a small net can fit).</summary>
    public static Tensor SmoothBatch(int n, int s, int seed)
    {
        var g = manual_seed(seed);
        var coarse = rand(n, 3, 4, 4);
        return nn.functional.interpolate(coarse, size: [s, s], mode: InterpolationMode.Bilinear, align_corners: true);
    }

    /// <summary>Writes a folder of small smooth PNGs (for the end-to-end runs).</summary>
    public static string ImageFolder(string dir, int count, int size)
    {
        Directory.CreateDirectory(dir);
        for (int i = 0; i < count; i++)
        {
            using var t = SmoothBatch(1, size, 100 + i);
            ImageFile.Write(RgbImage.FromTensor(t), Path.Combine(dir, $"img_{i:D2}.png"));
        }
        return dir;
    }

    /// <summary>A stage-1 run folder setup for CLI tests: 3 small images under ROOT/data/clear and ROOT/c.yml, a
    /// 10-iteration config with 32 px crops and no perceptual loss. Returns the config path.</summary>
    public static string CliRunConfig(string root)
    {
        ImageFolder(Path.Combine(root, "data", "clear"), count: 3, size: 64);
        string cfg = Path.Combine(root, "c.yml");
        File.WriteAllText(cfg, """
            datasets: {data_root: data, train: {dataroot_gt: clear, gt_size: 32, batch_size_per_gpu: 1}, val: {num_val: 1, val_size: 32}}
            network_g: {codebook_params: [[64, 32, 32]], channel_query_dict: {64: 32, 128: 32, 256: 32}}
            network_d: {num_feat: 8}
            train: {total_iter: 10, perceptual_opt: {loss_weight: 0}, pixel_opt: {loss_weight: 1}, gan_opt: {loss_weight: 0.1}, codebook_opt: {loss_weight: 1}}
            logger: {save_checkpoint_freq: 100}
            val: {val_freq: 100}
            """);
        return cfg;
    }

    /// <summary>The stage-2 config beside <see cref="CliRunConfig"/> (same data, same network sizes, so a stage-1 run
    /// of that config feeds it through --hq-weights): ROOT/c2.yml, 10 iterations, no perceptual loss, small Swin
    /// blocks. Returns its path.</summary>
    public static string CliRidcpConfig(string root)
    {
        string cfg = Path.Combine(root, "c2.yml");
        File.WriteAllText(cfg, """
            datasets: {data_root: data, train: {dataroot_gt: clear, depth_prior: outdoor, gt_size: 32, batch_size_per_gpu: 1}, val: {num_val: 1, val_size: 32}}
            network_g: {codebook_params: [[64, 32, 32]], channel_query_dict: {64: 32, 128: 32, 256: 32}, swin_blk_depth: 2, swin_num_blocks: 1, swin_num_heads: 2, LQ_stage: true}
            network_d: {num_in_ch: 32, num_feat: 8}
            train: {total_iter: 10, perceptual_opt: {loss_weight: 0}, pixel_opt: {loss_weight: 1}, gan_opt: {loss_weight: 0.1}, codebook_opt: {loss_weight: 1}}
            logger: {save_checkpoint_freq: 100}
            val: {val_freq: 100}
            """);
        return cfg;
    }
}
