using TorchSharp;
using Ridcp.Bricks.Deformable;
using Ridcp.Tests.Parity;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Deformable;

/// <summary>The dcn_core, dcn_pack and warp_block cases of Fixtures/parity/README.md section 3 (weights of
/// multiscale_decoder.warp.1: 64 channels, 3x3, 4 deformable groups).</summary>
public class DeformParityTests(ITestOutputHelper output)
{
    private const string WarpPrefix = "multiscale_decoder.warp.1.";

    [Fact]
    public void Core_op_with_given_offsets_and_masks_matches_the_official_output()
    {
        using var scope = NewDisposeScope();
        var x = DeterministicWeights.LoadNpy("dcn_core_x.npy");
        var offset = DeterministicWeights.LoadNpy("dcn_core_offset.npy");
        var mask = DeterministicWeights.LoadNpy("dcn_core_mask.npy");
        var weight = DeterministicWeights.LoadNpy("dcn_weight.npy");
        var bias = DeterministicWeights.LoadNpy("dcn_bias.npy");

        var actual = ModulatedDeformConv.Apply(x, offset, mask, weight, bias, stride: 1, padding: 1, dilation: 1, deformableGroups: 4);

        AssertWithin("dcn_core_output", actual, DeterministicWeights.LoadNpy("dcn_core_output.npy"), ParityTolerances.DeformOutput);
    }

    [Fact]
    public void Fixture_dcn_weights_are_the_generated_weights_of_warp_1()
    {
        using var scope = NewDisposeScope();
        using var pack = new DCNv2Pack(64, 64, 3, padding: 1, deformableGroups: 4);
        DeterministicWeights.Fill(pack, prefix: WarpPrefix + "dcn.");
        var sd = pack.state_dict();
        Assert.Equal(0.0, TensorDiff.MaxAbs(sd["weight"], DeterministicWeights.LoadNpy("dcn_weight.npy")));
        Assert.Equal(0.0, TensorDiff.MaxAbs(sd["bias"], DeterministicWeights.LoadNpy("dcn_bias.npy")));
        Assert.Equal(0.0, TensorDiff.MaxAbs(sd["conv_offset.weight"], DeterministicWeights.LoadNpy("dcn_pack_conv_offset_weight.npy")));
        Assert.Equal(0.0, TensorDiff.MaxAbs(sd["conv_offset.bias"], DeterministicWeights.LoadNpy("dcn_pack_conv_offset_bias.npy")));
    }

    [Fact]
    public void DCNv2Pack_matches_the_official_offsets_masks_and_output()
    {
        using var scope = NewDisposeScope();
        using var pack = new DCNv2Pack(64, 64, 3, padding: 1, deformableGroups: 4);
        DeterministicWeights.Fill(pack, prefix: WarpPrefix + "dcn.");
        var x = DeterministicWeights.LoadNpy("dcn_pack_x.npy");
        var feat = DeterministicWeights.LoadNpy("dcn_pack_feat.npy");

        using var _ = no_grad();
        var (offset, mask) = pack.OffsetsAndMasks(feat);
        AssertWithin("dcn_pack_offset", offset, DeterministicWeights.LoadNpy("dcn_pack_offset.npy"), ParityTolerances.ConvIntermediate);
        AssertWithin("dcn_pack_mask", mask, DeterministicWeights.LoadNpy("dcn_pack_mask.npy"), ParityTolerances.DeformOutput);
        AssertWithin("dcn_pack_output", pack.forward(x, feat), DeterministicWeights.LoadNpy("dcn_pack_output.npy"), ParityTolerances.DeformOutput);
    }

    [Fact]
    public void WarpBlock_matches_the_official_offset_feature_and_output()
    {
        using var scope = NewDisposeScope();
        using var warp = new WarpBlock(64);
        DeterministicWeights.Fill(warp, prefix: WarpPrefix);
        var xVq = DeterministicWeights.LoadNpy("warp_x_vq.npy");
        var xResidual = DeterministicWeights.LoadNpy("warp_x_residual.npy");

        using var _ = no_grad();
        AssertWithin("warp_offset_feat", warp.OffsetFeature(xVq, xResidual), DeterministicWeights.LoadNpy("warp_offset_feat.npy"), ParityTolerances.ConvIntermediate);
        AssertWithin("warp_output", warp.forward(xVq, xResidual), DeterministicWeights.LoadNpy("warp_output.npy"), ParityTolerances.DeformOutput);
    }

    [Fact]
    public void WarpBlock_converted_to_float64_agrees_with_the_official_output()
    {
        using var scope = NewDisposeScope();
        using var warp = new WarpBlock(64);
        DeterministicWeights.Fill(warp, prefix: WarpPrefix);
        warp.to(ScalarType.Float64);
        var xVq = DeterministicWeights.LoadNpy("warp_x_vq.npy").to(ScalarType.Float64);
        var xResidual = DeterministicWeights.LoadNpy("warp_x_residual.npy").to(ScalarType.Float64);
        using var _ = no_grad();
        AssertWithin("warp_output (float64)", warp.forward(xVq, xResidual), DeterministicWeights.LoadNpy("warp_output.npy"), ParityTolerances.DeformOutput);
    }

    [Fact]
    public void WarpBlock_state_dict_has_the_manifest_keys_and_shapes_of_warp_1()
    {
        var manifest = DeterministicWeights.Manifest(Fixture.Parity("manifest_lq.json"))
            .Where(e => e.Key.StartsWith(WarpPrefix))
            .ToDictionary(e => e.Key[WarpPrefix.Length..], e => e.Shape);
        using var warp = new WarpBlock(64);
        var mine = warp.state_dict();
        Assert.Equal(manifest.Keys.Order(), mine.Keys.Order());
        foreach (var (key, t) in mine) Assert.Equal(manifest[key], t.shape);
    }

    private void AssertWithin(string name, Tensor actual, Tensor expected, double tolerance)
    {
        double diff = TensorDiff.MaxAbs(actual, expected);
        output.WriteLine($"{name} max abs diff {diff:e3} (tolerance {tolerance:e1})");
        Assert.True(diff <= tolerance, $"{name}: max abs diff {diff:e3} > {tolerance:e1}");
    }
}
