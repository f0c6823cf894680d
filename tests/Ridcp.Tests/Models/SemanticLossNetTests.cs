using Ridcp.Models;
using Ridcp.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Models;

/// <summary>conv_semantic and the semantic loss of the HQ net (official use_semantic_loss).</summary>
public class SemanticLossNetTests
{
    private static VQWeightDehazeNetOptions Tiny(bool semantic) => TinySetup.Net(lq: false) with { UseSemanticLoss = semantic };

    [Fact]
    public void Conv_semantic_exists_only_with_use_semantic_loss_and_maps_the_codebook_dim_to_512()
    {
        using var with = new VQWeightDehazeNet(Tiny(true));
        using var without = new VQWeightDehazeNet(Tiny(false));
        var sdWith = with.state_dict();
        var sdWithout = without.state_dict();
        Assert.Equal(new long[] { 512, 32, 1, 1 }, sdWith["conv_semantic.0.weight"].shape);
        Assert.Equal(new long[] { 512 }, sdWith["conv_semantic.0.bias"].shape);
        Assert.DoesNotContain(sdWithout.Keys, k => k.Contains("semantic"));
        // Nothing else changes: the same keys in the same order, plus the two at the end (official registration order).
        Assert.Equal(sdWithout.Keys.Concat(["conv_semantic.0.weight", "conv_semantic.0.bias"]), sdWith.Keys);
    }

    [Fact]
    public void The_official_size_net_with_the_option_has_the_official_conv_semantic_shape()
    {
        using var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialHq with { UseSemanticLoss = true });
        Assert.Equal(new long[] { 512, 512, 1, 1 }, net.state_dict()["conv_semantic.0.weight"].shape);
    }

    [Fact]
    public void The_option_round_trips_and_is_absent_from_the_dictionary_when_off()
    {
        var on = Tiny(true);
        var d = on.ToDictionary();
        Assert.Equal(true, d["use_semantic_loss"]);
        Assert.Equal(on, VQWeightDehazeNetOptions.FromDictionary(d!));
        Assert.NotEqual(Tiny(false), on);
        Assert.False(Tiny(false).ToDictionary().ContainsKey("use_semantic_loss"));
        Assert.False(VQWeightDehazeNetOptions.OfficialHq.ToDictionary().ContainsKey("use_semantic_loss"));
    }

    [Fact]
    public void Semantic_loss_is_the_mse_against_the_target_resized_to_the_latent_grid_and_trains_conv_semantic()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var net = new VQWeightDehazeNet(Tiny(true));
        var x = rand(2, 3, 32, 32, generator: new Generator(4));
        // relu4_4 of a 32 px image is 4x4; the tiny codebook sits at 1/4 (8x8).
        var target = rand(2, 512, 4, 4, generator: new Generator(5));
        using var r = net.EncodeAndDecode(x, semanticTarget: target);
        Assert.NotNull(r.SemanticLoss);
        float loss = r.SemanticLoss!.item<float>();
        Assert.True(float.IsFinite(loss) && loss > 0, $"semantic loss {loss}");

        Assert.Equal(new long[] { 2, 32, 8, 8 }, r.ZQuant.shape);
        var sd = net.state_dict();
        Tensor expected;
        using (no_grad())
        {
            var pred = nn.functional.relu(nn.functional.conv2d(r.ZQuant, sd["conv_semantic.0.weight"], sd["conv_semantic.0.bias"]));
            var up = nn.functional.interpolate(target, size: [8, 8], mode: InterpolationMode.Bilinear, align_corners: false);
            expected = (pred - up).square().mean();
        }
        Assert.Equal(expected.item<float>(), loss, 5);

        r.SemanticLoss.backward();
        var grad = net.named_parameters().First(p => p.name == "conv_semantic.0.weight").parameter.grad;
        Assert.NotNull(grad);
        Assert.True(grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Without_a_target_there_is_no_semantic_loss_and_a_target_needs_the_option()
    {
        using var scope = NewDisposeScope();
        using var with = new VQWeightDehazeNet(Tiny(true));
        using var without = new VQWeightDehazeNet(Tiny(false));
        var x = rand(1, 3, 32, 32);
        using (var r = with.EncodeAndDecode(x)) Assert.Null(r.SemanticLoss);
        Assert.Throws<ArgumentException>(() => without.EncodeAndDecode(x, semanticTarget: rand(1, 512, 4, 4)));
    }
}
