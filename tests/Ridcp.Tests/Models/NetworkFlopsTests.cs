using Ridcp.Models;
using Xunit;

namespace Ridcp.Tests.Models;

public class NetworkFlopsTests
{
    [Fact]
    public void The_official_configuration_at_640x438_padded_to_672x448_counts_about_1_8_TFLOP()
    {
        // Issue 12's independent count for this size: 1.80 TFLOP. 3% covers what either count leaves out
        // (biases, the in_conv border pixel).
        double flop = NetworkFlops.Total(VQWeightDehazeNetOptions.OfficialLq, 448, 672);
        Assert.InRange(flop / 1.80e12, 0.97, 1.03);
    }

    [Fact]
    public void Convolutions_count_two_flop_per_multiply_add_and_the_two_decoders_the_same()
    {
        var o = VQWeightDehazeNetOptions.OfficialLq;
        var parts = NetworkFlops.Count(o, 64, 64).ToDictionary(p => p.Part, p => p.Flop);
        int c = o.ChannelQueryDict[o.GtResolution];
        // residual decoder + residual_conv minus the VQ decoder + out_conv: equal layouts, so 0.
        Assert.Equal(0, parts["residual decoder + residual_conv"] - parts["VQ decoder + out_conv"]);
        // warp blocks at 32x32 (128 channels) and 64x64 (64 channels): offset conv 2c->c, conv_offset c->108, DCN c->c, 3x3.
        double Warp(long ch, long side) => 2.0 * 9 * side * side * (2 * ch * ch + ch * 108 + ch * ch);
        Assert.Equal(Warp(o.ChannelQueryDict[128], 32) + Warp(c, 64), parts["warp blocks (offset convs, deformable convs)"], 1e-6);
    }

    [Fact]
    public void Neighborhood_attention_layers_count_k_squared_keys_per_query_where_swin_counts_its_window()
    {
        // Only the two attention products (q k^T and attn v: 2 x 2 FLOP x keys x C per token) depend on the keys.
        var swin = VQWeightDehazeNetOptions.OfficialLq;
        var nat = swin with { EncoderAttention = Ridcp.Bricks.EncoderAttention.Dinat, NatKernelSize = 7 };
        long side = 448 / 4, tokens = side * side, c = swin.ChannelQueryDict[swin.GtResolution / 4];
        int layers = swin.SwinNumBlocks * swin.SwinBlkDepth;
        double swinPart = NetworkFlops.Count(swin, 448, 448).Single(p => p.Part == "Swin layers").Flop;
        double natPart = NetworkFlops.Count(nat, 448, 448).Single(p => p.Part == "neighborhood-attention layers").Flop;
        Assert.Equal(layers * tokens * 4.0 * c * (8 * 8 - 7 * 7), swinPart - natPart, 1e-6);
        Assert.Equal(NetworkFlops.Total(swin, 448, 448) - swinPart, NetworkFlops.Total(nat, 448, 448) - natPart, 1e-6);
    }
}
