using System.Security.Cryptography;
using Ridcp.Bricks.Swin;
using Ridcp.Tests.Parity;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Swin;

/// <summary>The swin_rstb case of Fixtures/parity/README.md section 3: one RSTB (multiscale_encoder.blocks.2.swin_blks.0)
/// on a 16 x 24 map, built for 32 x 32, so the shifted blocks recompute their masks.</summary>
public class SwinParityTests(ITestOutputHelper output)
{
    private const string RstbPrefix = "multiscale_encoder.blocks.2.swin_blks.0.";
    private const string SwinLayersPrefix = "multiscale_encoder.blocks.2.";

    [Fact]
    public void One_RSTB_on_16x24_matches_the_official_output()
    {
        using var scope = NewDisposeScope();
        using var rstb = new RSTB(256, 32, 32, depth: 6, numHeads: 8, windowSize: 8);
        DeterministicWeights.Fill(rstb, prefix: RstbPrefix);
        rstb.eval();
        var x = DeterministicWeights.LoadNpy("swin_input.npy");
        var expected = DeterministicWeights.LoadNpy("swin_output.npy");

        Tensor actual;
        using (no_grad())
            actual = rstb.forward(x.permute(0, 2, 3, 1).contiguous()).permute(0, 3, 1, 2);

        double diff = TensorDiff.MaxAbs(actual, expected);
        output.WriteLine($"swin_output max abs diff {diff:e3}");
        Assert.True(diff <= ParityTolerances.SwinOutput, $"max abs diff {diff:e3} > {ParityTolerances.SwinOutput:e1}");
    }

    [Fact]
    public void RSTB_weights_map_onto_manifest_keys_of_swin_blks_0()
    {
        var manifest = ManifestUnder(RstbPrefix);
        using var rstb = new RSTB(256, 32, 32, depth: 6, numHeads: 8, windowSize: 8);
        var mine = rstb.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(manifest.Keys.Order(), mine.Keys.Order());
        foreach (var (key, shape) in mine) Assert.Equal(manifest[key].Shape, shape);
    }

    [Fact]
    public void Shifted_window_mask_for_16x24_equals_the_official_one()
    {
        using var scope = NewDisposeScope();
        var expected = DeterministicWeights.LoadNpy("swin_attn_mask_16x24.npy");
        var actual = WindowOps.ShiftedWindowMask(16, 24, windowSize: 8, shiftSize: 4);
        Assert.Equal(0.0, TensorDiff.MaxAbs(actual, expected));
    }

    [Fact]
    public void Relative_position_index_equals_the_official_one()
    {
        using var scope = NewDisposeScope();
        var expected = DeterministicWeights.LoadNpy("swin_relative_position_index.npy");
        var actual = WindowOps.RelativePositionIndex(8);
        Assert.Equal(ScalarType.Int64, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.eq(expected).all().item<bool>(), "relative_position_index differs");
    }

    [Fact]
    public void SwinLayers_state_dict_has_the_manifest_keys_shapes_and_dtypes()
    {
        var manifest = ManifestUnder(SwinLayersPrefix);
        using var swin = new SwinLayers(embedDim: 256, blkDepth: 6, numHeads: 8, windowSize: 8, numBlocks: 4, inputHeight: 32, inputWidth: 32);
        var mine = swin.state_dict();
        Assert.Equal(356, manifest.Count);
        Assert.Equal(manifest.Keys.Order(), mine.Keys.Order());
        foreach (var (key, t) in mine)
        {
            Assert.Equal(manifest[key].Shape, t.shape);
            Assert.Equal(manifest[key].Dtype, t.dtype == ScalarType.Int64 ? "int64" : t.dtype == ScalarType.Float32 ? "float32" : t.dtype.ToString());
        }
    }

    [Fact]
    public void SwinLayers_persistent_buffers_equal_the_manifest_checksums_bit_for_bit()
    {
        var manifest = ManifestUnder(SwinLayersPrefix);
        using var swin = new SwinLayers();
        int buffers = 0;
        foreach (var (key, t) in swin.state_dict())
        {
            if (!key.EndsWith("relative_position_index") && !key.EndsWith("attn_mask")) continue;
            byte[] bytes = t.dtype == ScalarType.Int64 ? ToBytes(t.data<long>().ToArray()) : ToBytes(t.data<float>().ToArray());
            Assert.Equal(manifest[key].Sha256, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
            buffers++;
        }
        Assert.Equal(36, buffers);   // README section 2: 24 relative_position_index + 12 attn_mask
    }

    private static byte[] ToBytes<T>(T[] values) where T : struct
    {
        var bytes = new byte[Buffer.ByteLength(values)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static Dictionary<string, (long[] Shape, string Dtype, string? Sha256)> ManifestUnder(string prefix) =>
        DeterministicWeights.Manifest(Fixture.Parity("manifest_lq.json"))
            .Where(e => e.Key.StartsWith(prefix))
            .ToDictionary(e => e.Key[prefix.Length..], e => (e.Shape, e.Dtype, e.Sha256));
}
