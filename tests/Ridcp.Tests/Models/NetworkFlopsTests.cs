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
}
