using Ridcp.Bricks;
using Ridcp.Bricks.Neighborhood;
using Ridcp.Models;
using Ridcp.Tests.Training;
using Xunit;

namespace Ridcp.Tests.Models;

public class NeighborhoodEncoderOptionsTests
{
    [Fact]
    public void Swin_the_default_leaves_the_stored_options_as_they_were()
    {
        var d = TinySetup.Net(lq: true).ToDictionary();
        Assert.False(d.ContainsKey("encoder_attention"));
        Assert.False(d.ContainsKey("nat_kernel_size"));
        Assert.Equal(EncoderAttention.Swin, VQWeightDehazeNetOptions.FromDictionary(null).EncoderAttention);
    }

    [Theory]
    [InlineData(EncoderAttention.Nat)]
    [InlineData(EncoderAttention.Dinat)]
    public void Neighborhood_options_round_trip_through_the_stored_dictionary(EncoderAttention attention)
    {
        var o = TinySetup.Net(lq: true) with { EncoderAttention = attention, NatKernelSize = 5 };
        var back = VQWeightDehazeNetOptions.FromDictionary(o.ToDictionary().ToDictionary(p => p.Key, p => (object?)p.Value));
        Assert.Equal(o, back);
        Assert.NotEqual(o with { EncoderAttention = EncoderAttention.Swin }, back);
    }

    [Theory]
    [InlineData("encoder_attention", "window", "swin, nat or dinat")]
    [InlineData("nat_kernel_size", 4L, "odd")]
    public void Bad_neighborhood_options_are_refused_by_name(string key, object value, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            VQWeightDehazeNetOptions.FromDictionary(new Dictionary<string, object?> { [key] = value }).Validate());
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_nat_encoder_swaps_the_attention_keys_and_keeps_everything_else()
    {
        using var swin = new VQWeightDehazeNet(TinySetup.Net(lq: true));
        using var nat = new VQWeightDehazeNet(TinySetup.Net(lq: true) with { EncoderAttention = EncoderAttention.Nat });
        var s = swin.state_dict().Keys.Where(k => !k.Contains(".attn.") && !k.Contains("attn_mask")).ToList();
        var n = nat.state_dict().Keys.Where(k => !k.Contains(".attn.")).ToList();
        Assert.Equal(s, n);
        var attnKeys = nat.state_dict().Keys.Where(k => k.Contains(".attn.")).Select(k => k[(k.IndexOf(".attn.") + 6)..]).Distinct().Order();
        Assert.Equal(new[] { "proj.bias", "proj.weight", "qkv.bias", "qkv.weight", "rpb" }, attnKeys);
    }

    [Fact]
    public void Dinat_dilates_odd_blocks_so_the_kernel_spans_the_feature_size()
    {
        Assert.Equal(1, DinatDilation.For(EncoderAttention.Dinat, 0, 7, 32));
        Assert.Equal(4, DinatDilation.For(EncoderAttention.Dinat, 1, 7, 32));
        Assert.Equal(1, DinatDilation.For(EncoderAttention.Nat, 1, 7, 32));
        Assert.Equal(1, DinatDilation.For(EncoderAttention.Dinat, 1, 7, 8));
    }
}
