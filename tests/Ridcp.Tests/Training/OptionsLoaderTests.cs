using Ridcp.Models;
using Ridcp.Training;
using Ridcp.Training.Config;
using Xunit;

namespace Ridcp.Tests.Training;

public class OptionsLoaderTests
{
    internal static string ConfigsDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "configs", "ridcp-official.yml"))) return Path.Combine(d.FullName, "configs");
        throw new DirectoryNotFoundException("configs/ not found above the test output folder");
    }

    [Fact]
    public void Official_stage2_config_holds_the_published_recipe()
    {
        var o = TrainOptionsLoader.Load(Path.Combine(ConfigsDir(), "ridcp-official.yml"), TrainStage.Ridcp, dataRootOverride: "/data");
        Assert.Equal(4, o.Data.BatchSize);
        Assert.Equal(256, o.Data.GtSize);
        Assert.Equal(45000, o.TotalIter);
        Assert.Equal(1e-4, o.OptimG.Lr);
        Assert.Equal(4e-4, o.OptimD.Lr);
        Assert.Equal((0.9, 0.99), (o.OptimG.Beta1, o.OptimG.Beta2));
        Assert.Equal(0.1, o.Losses.Gan);
        Assert.Equal(1.0, o.Losses.Pixel);
        Assert.Equal(1.0, o.Losses.Perceptual);
        Assert.Equal(1.0, o.Losses.Codebook);
        Assert.Equal(512, o.NetworkD.NumInCh);
        Assert.Equal(new[] { "quantize", "decoder_group", "after_quant_group", "out_conv" }, o.FrozenModuleKeywords);
        var net = VQWeightDehazeNetOptions.FromDictionary(o.NetworkG.ToDictionary(k => k.Key, k => (object?)k.Value));
        Assert.Equal(VQWeightDehazeNetOptions.OfficialHq with { LqStage = true, WeightAlpha = -1f }, net);   // the yml sets weight_alpha -1.0 (unused: use_weight false)
        Assert.Equal(Path.GetFullPath("/data/rgb_500"), o.Data.DatarootGt);
    }

    [Fact]
    public void Official_stage1_config_is_the_femasr_hq_recipe_on_the_ridcp_network()
    {
        var o = TrainOptionsLoader.Load(Path.Combine(ConfigsDir(), "vqgan-official.yml"), TrainStage.Vqgan, dataRootOverride: "/data");
        Assert.True(o.Data.UseRot && o.Data.UseFlip);
        Assert.Equal(3, o.NetworkD.NumInCh);
        Assert.Equal(0.1, o.Losses.Gan);
        var net = VQWeightDehazeNetOptions.FromDictionary(o.NetworkG.ToDictionary(k => k.Key, k => (object?)k.Value));
        Assert.Equal(VQWeightDehazeNetOptions.OfficialHq, net);
    }

    [Theory]
    [InlineData("vqgan-tiny.yml", TrainStage.Vqgan)]
    [InlineData("ridcp-tiny.yml", TrainStage.Ridcp)]
    [InlineData("vqgan-small.yml", TrainStage.Vqgan)]
    [InlineData("ridcp-small.yml", TrainStage.Ridcp)]
    public void Bundled_configs_load_and_build_valid_networks(string file, TrainStage stage)
    {
        var o = TrainOptionsLoader.Load(Path.Combine(ConfigsDir(), file), stage);
        var net = VQWeightDehazeNetOptions.FromDictionary(o.NetworkG.ToDictionary(k => k.Key, k => (object?)k.Value));
        net.Validate();
        Assert.Equal(stage == TrainStage.Ridcp, net.LqStage);
        Assert.Equal(0, o.Data.GtSize % net.PadMultiple);
        if (stage == TrainStage.Ridcp) Assert.Equal(net.CodebookParams[0].Dim, o.NetworkD.NumInCh);
        // data paths resolve relative to the config file: configs/../../shared/data/clear
        Assert.EndsWith(Path.Combine("shared", "data", "clear"), o.Data.DatarootGt);
    }

    [Fact]
    public void Iterations_and_data_overrides_win_and_the_resolved_yaml_reloads_to_the_same_options()
    {
        using var tempFolder = new TempFolder();
        string dir = tempFolder.Path;
        string cfg = Path.Combine(ConfigsDir(), "vqgan-tiny.yml");
        var o = TrainOptionsLoader.Load(cfg, TrainStage.Vqgan, dataRootOverride: dir, iterationsOverride: 77);
        Assert.Equal(77, o.TotalIter);
        Assert.Equal(Path.Combine(dir, "clear"), o.Data.DatarootGt);
        string resolved = Path.Combine(dir, "config.yml");
        File.WriteAllText(resolved, TrainOptionsLoader.ToYaml(o));
        var again = TrainOptionsLoader.Load(resolved, TrainStage.Vqgan);
        Assert.Equal(o.TotalIter, again.TotalIter);
        Assert.Equal(o.Data, again.Data);
        Assert.Equal(o.Losses, again.Losses);
        Assert.Equal(o.NetworkD, again.NetworkD);
        Assert.Equal(VQWeightDehazeNetOptions.FromDictionary(o.NetworkG.ToDictionary(k => k.Key, k => (object?)k.Value)),
                     VQWeightDehazeNetOptions.FromDictionary(again.NetworkG.ToDictionary(k => k.Key, k => (object?)k.Value)));
    }

    [Fact]
    public void Semantic_loss_keys_load_resolve_and_survive_the_resolved_yaml()
    {
        using var tempFolder = new TempFolder();
        string dir = tempFolder.Path;
        var official = TrainOptionsLoader.Load(Path.Combine(ConfigsDir(), "vqgan-official.yml"), TrainStage.Vqgan, dataRootOverride: dir);
        Assert.Equal(0.1, official.Losses.Semantic);             // FeMaSR semantic_opt.loss_weight
        Assert.Null(official.PretrainNetworkVgg);                // not shipped: off unless given
        Assert.False(official.NetworkG.ContainsKey("use_semantic_loss"));

        string cfg = Path.Combine(dir, "s.yml");
        File.WriteAllText(cfg, """
            datasets: {train: {dataroot_gt: clear}}
            network_g: {use_semantic_loss: true}
            path: {pretrain_network_vgg: w/vgg19.pth}
            train: {semantic_opt: {loss_weight: 0.25}}
            """);
        var o = TrainOptionsLoader.Load(cfg, TrainStage.Vqgan);
        Assert.Equal(0.25, o.Losses.Semantic);
        Assert.Equal(Path.Combine(dir, "w", "vgg19.pth"), o.PretrainNetworkVgg);
        var (resolved, note) = SemanticLossSetup.Resolve(o, null);
        Assert.Null(note);
        Assert.True(VQWeightDehazeNetOptions.FromDictionary(resolved.NetworkG.ToDictionary(k => k.Key, k => (object?)k.Value)).UseSemanticLoss);

        string yaml = Path.Combine(dir, "config.yml");
        File.WriteAllText(yaml, TrainOptionsLoader.ToYaml(resolved));
        var again = TrainOptionsLoader.Load(yaml, TrainStage.Vqgan);
        Assert.Equal(resolved.Losses, again.Losses);
        Assert.Equal(resolved.PretrainNetworkVgg, again.PretrainNetworkVgg);
        Assert.Equal(true, again.NetworkG["use_semantic_loss"]);

        var e = Assert.Throws<FormatException>(() => TrainOptionsLoader.Load(cfg, TrainStage.Ridcp));
        Assert.Contains("use_semantic_loss", e.Message);
    }

    [Fact]
    public void A_bad_value_is_one_clear_error()
    {
        using var tempFolder = new TempFolder();
        string dir = tempFolder.Path;
        string cfg = Path.Combine(dir, "bad.yml");
        File.WriteAllText(cfg, "datasets: {train: {dataroot_gt: x, gt_size: big}}\n");
        var e = Assert.Throws<FormatException>(() => TrainOptionsLoader.Load(cfg, TrainStage.Vqgan));
        Assert.Contains("gt_size", e.Message);
    }

    [Fact]
    public void Learning_rate_follows_multistep_milestones()
    {
        Assert.Equal(1e-4, LrSchedule.At(100, 1e-4, [100, 200], 0.5));
        Assert.Equal(0.5e-4, LrSchedule.At(101, 1e-4, [100, 200], 0.5));
        Assert.Equal(0.25e-4, LrSchedule.At(201, 1e-4, [100, 200], 0.5));
    }
}
