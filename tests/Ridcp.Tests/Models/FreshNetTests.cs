using Ridcp.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Models;

/// <summary>A freshly built net (no checkpoint) is initialised the way PyTorch initialises the official one.</summary>
public class FreshNetTests
{
    /// <summary>A small LQ variant for CPU training: every part of the LQ net, a fraction of the size.</summary>
    internal static readonly VQWeightDehazeNetOptions SmallLq = new()
    {
        LqStage = true, UseWeight = true, WeightAlpha = -21.25f,
        CodebookParams = [new CodebookSpec(16, 64, 32)], GtResolution = 64,
        ChannelQueryDict = new Dictionary<int, int> { [16] = 64, [32] = 32, [64] = 32 },
        SwinBlkDepth = 2, SwinNumBlocks = 1, SwinNumHeads = 2, SwinWindowSize = 4, SwinInputResolution = 8,
    };

    private static void AssertPyTorchLikeInit(nn.Module net)
    {
        using var _ = no_grad();
        foreach (var (name, p) in net.named_parameters())
        {
            Assert.True(p.isfinite().all().item<bool>(), $"{name} has non-finite values");
            if (name.Contains(".norm."))
            {
                // GroupNorm affine: ones / zeros (TorchSharp would leave them uninitialised).
                float expected = name.EndsWith(".weight") ? 1f : 0f;
                Assert.True(p.eq(expected).all().item<bool>(), $"{name} is not {expected} everywhere");
            }
            else if (name == "quantize_group.0.embedding.weight")
            {
                double std = p.std().item<float>();   // nn.Embedding: N(0, 1)
                Assert.InRange(std, 0.9, 1.1);
            }
            else if (name == "quantize_group.0.weight")
            {
                Assert.True(p.eq(0f).all().item<bool>(), "the CHM weight starts neutral (exp(0) = 1)");
                Assert.False(p.requires_grad);
            }
        }
    }

    /// <summary>Conv2d default init of PyTorch: kaiming_uniform(a = sqrt 5) for the weight and uniform for the bias,
    /// both bounded by 1 / sqrt(fan_in).</summary>
    private static void AssertConvInit(nn.Module net)
    {
        using var _ = no_grad();
        var ps = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        int convs = 0;
        foreach (var (name, w) in ps.Where(p => p.Key.EndsWith(".weight") && p.Value.ndim == 4))
        {
            if (name.EndsWith(".conv_offset.weight"))
            {
                // basicsr's ModulatedDeformConvPack.init_weights zeroes the offset conv: deformation starts at none.
                Assert.True(w.eq(0f).all().item<bool>(), $"{name} should start at zero");
                continue;
            }
            double bound = 1.0 / Math.Sqrt(w.shape[1] * w.shape[2] * w.shape[3]);
            Assert.True(w.abs().max().item<float>() <= bound * (1 + 1e-6), $"{name} exceeds the kaiming bound");
            Assert.True(w.std().item<float>() > bound / 4, $"{name} looks unfilled");
            if (ps.TryGetValue(name[..^"weight".Length] + "bias", out var b))
                Assert.True(b.abs().max().item<float>() <= bound * (1 + 1e-6), $"{name[..^6]}bias exceeds its bound");
            convs++;
        }
        Assert.True(convs > 10);
    }

    [Fact]
    public void Fresh_hq_net_is_initialised_like_pytorch()
    {
        using var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialHq);
        AssertPyTorchLikeInit(net);
        AssertConvInit(net);
    }

    [Fact]
    public void Fresh_official_lq_net_is_initialised_like_pytorch()
    {
        using var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialLq);
        AssertPyTorchLikeInit(net);
        AssertConvInit(net);
    }

    [Fact]
    public void Fresh_small_lq_net_is_initialised_like_pytorch()
    {
        using var net = new VQWeightDehazeNet(SmallLq);
        AssertPyTorchLikeInit(net);
        AssertConvInit(net);
    }

    [Fact]
    public void A_net_built_inside_a_dispose_scope_keeps_its_weights_when_the_scope_ends()
    {
        VQWeightDehazeNet net;
        using (var scope = NewDisposeScope()) net = new VQWeightDehazeNet(SmallLq);
        using (net)
        {
            Assert.Equal(new VQWeightDehazeNet(SmallLq).state_dict().Keys, net.state_dict().Keys);
            foreach (var (name, t) in net.state_dict())
                Assert.True(t.numel() > 0 && t.isfinite().all().item<bool>(), $"{name} was disposed or is not finite");
        }
    }

    [Fact]
    public void Small_lq_variant_trains_end_to_end()
    {
        using var scope = NewDisposeScope();
        using var net = new VQWeightDehazeNet(SmallLq);
        var input = rand(2, 3, 32, 48, generator: new Generator(7));
        var gt = randint(0, 64, [2, 1, 8, 12], generator: new Generator(8));
        using var r = net.EncodeAndDecode(input, gtIndices: gt);
        Assert.Equal(input.shape, r.OutImgResidual!.shape);
        Assert.Equal(new long[] { 2, 8, 12, 32 }, r.CodebookLoss.shape);   // [B,H,W,C] as the official LQ loss
        (r.OutImgResidual.square().mean() + r.CodebookLoss.mean()).backward();
        var ps = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.NotNull(ps["multiscale_encoder.in_conv.weight"].grad);
        Assert.NotNull(ps["multiscale_decoder.warp.0.dcn.weight"].grad);
        Assert.True(ps["multiscale_encoder.in_conv.weight"].grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Without_the_vq_image_an_lq_net_skips_out_conv_and_gives_the_same_residual_image()
    {
        using var scope = NewDisposeScope();
        using var net = new VQWeightDehazeNet(SmallLq);
        using var _ = no_grad();
        var input = rand(1, 3, 32, 48, generator: new Generator(9));
        using var full = net.EncodeAndDecode(input);
        using var residualOnly = net.EncodeAndDecode(input, vqImage: false);
        Assert.NotNull(full.OutImg);
        Assert.Null(residualOnly.OutImg);
        Assert.True(ParityNets.BitEqual(residualOnly.OutImgResidual!, full.OutImgResidual!));
    }
}
