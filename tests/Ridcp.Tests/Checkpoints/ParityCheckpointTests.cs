using Ridcp.Checkpoints;
using Ridcp.Tests.Parity;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

/// <summary>The three checkpoints of Fixtures/parity (README section "checkpoints"), written by torch 1.13.</summary>
public class ParityCheckpointTests
{
    const string Swin = "multiscale_encoder.blocks.2.swin_blks.0.residual_group.blocks.";

    static readonly (string Key, long[] Shape)[] GeneratedKeys =
    [
        ("multiscale_encoder.in_conv.weight", [64, 3, 4, 4]),
        ("multiscale_encoder.in_conv.bias", [64]),
        ("multiscale_encoder.blocks.0.1.conv.0.norm.weight", [128]),
        ("quantize_group.0.embedding.weight", [1024, 512]),
    ];

    [Fact]
    public void Params_checkpoint_holds_the_six_keys_in_order_under_params()
    {
        using var scope = NewDisposeScope();
        using var sd = TorchCheckpoint.ReadStateDict(Fixture.Parity("ckpt_params_small.pth"));
        Assert.Equal("params", sd.Section);
        Assert.Empty(sd.Notes);
        Assert.Equal(
            ["multiscale_encoder.in_conv.weight", "multiscale_encoder.in_conv.bias", "multiscale_encoder.blocks.0.1.conv.0.norm.weight",
             Swin + "0.attn.relative_position_index", Swin + "1.attn_mask", "quantize_group.0.embedding.weight"],
            sd.Keys);
    }

    [Fact]
    public void Params_checkpoint_weights_equal_the_deterministic_generator_exactly()
    {
        using var scope = NewDisposeScope();
        using var sd = TorchCheckpoint.ReadStateDict(Fixture.Parity("ckpt_params_small.pth"));
        foreach (var (key, shape) in GeneratedKeys)
        {
            var t = sd[key];
            Assert.Equal(ScalarType.Float32, t.dtype);
            Assert.Equal(shape, t.shape);
            Assert.True(t.SameAs(DeterministicWeights.Make(key, shape)), key);
        }
    }

    [Fact]
    public void Params_checkpoint_buffers_equal_the_swin_formulas()
    {
        using var scope = NewDisposeScope();
        using var sd = TorchCheckpoint.ReadStateDict(Fixture.Parity("ckpt_params_small.pth"));
        var index = sd[Swin + "0.attn.relative_position_index"];
        Assert.Equal(ScalarType.Int64, index.dtype);
        Assert.True(index.SameAs(tensor(SwinBufferFormulas.RelativePositionIndex(), [64, 64])));

        var mask = sd[Swin + "1.attn_mask"];   // built for the 32x32 construction size: 16 windows
        Assert.Equal([16L, 64, 64], mask.shape);
        Assert.True(mask.SameAs(tensor(SwinBufferFormulas.AttentionMask(32, 32), [16, 64, 64])));
    }

    [Fact]
    public void Chm_weight_file_is_a_bare_float_tensor_equal_to_the_generator()
    {
        using var scope = NewDisposeScope();
        var w = TorchCheckpoint.ReadTensor(Fixture.Parity("chm_weight.pth"));
        Assert.Equal([1024L], w.shape);
        Assert.True(w.SameAs(DeterministicWeights.Make("quantize_group.0.weight", [1024])));
    }

    [Fact]
    public void Legacy_checkpoint_is_read_like_the_zip_one()
    {
        using var scope = NewDisposeScope();
        using var ck = TorchCheckpoint.Load(Fixture.Parity("ckpt_legacy_small.pth"));
        Assert.Equal(CheckpointFileFormat.Legacy, ck.Format);
        var sd = TorchCheckpoint.StateDictOf(ck);
        Assert.Equal(["multiscale_encoder.in_conv.bias"], sd.Keys);
        Assert.True(sd["multiscale_encoder.in_conv.bias"].SameAs(DeterministicWeights.Make("multiscale_encoder.in_conv.bias", [64])));
    }

    [Fact]
    public void A_bare_tensor_file_is_not_a_state_dict_and_a_dict_is_not_a_bare_tensor()
    {
        using var scope = NewDisposeScope();
        var e1 = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ReadStateDict(Fixture.Parity("chm_weight.pth")));
        Assert.Contains("not a dict", e1.Message);
        Assert.Contains("chm_weight.pth", e1.Message);
        var e2 = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ReadTensor(Fixture.Parity("ckpt_params_small.pth")));
        Assert.Contains("not a bare tensor", e2.Message);
    }

    [Fact]
    public void Asking_for_params_ema_falls_back_to_params_with_a_note()
    {
        using var scope = NewDisposeScope();
        using var sd = TorchCheckpoint.ReadStateDict(Fixture.Parity("ckpt_params_small.pth"), preferEma: true);
        Assert.Equal("params", sd.Section);
        Assert.Contains(sd.Notes, n => n.Contains("no params_ema"));
        Assert.Equal(6, sd.Count);
    }
}
