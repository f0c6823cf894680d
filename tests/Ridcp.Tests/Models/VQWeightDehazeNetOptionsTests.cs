using Ridcp.Models;
using Xunit;

namespace Ridcp.Tests.Models;

public class VQWeightDehazeNetOptionsTests
{
    private static readonly VQWeightDehazeNetOptions Small = new()
    {
        LqStage = true, UseWeight = true, WeightAlpha = -3.5f,
        CodebookParams = [new CodebookSpec(16, 64, 32)], GtResolution = 64,
        ChannelQueryDict = new Dictionary<int, int> { [16] = 64, [32] = 32, [64] = 32 },
        SwinBlkDepth = 2, SwinNumBlocks = 1, SwinNumHeads = 2, SwinWindowSize = 4, SwinInputResolution = 8,
        ActType = "leakyrelu",
    };

    [Fact]
    public void Defaults_are_the_official_constructor_defaults()
    {
        var o = new VQWeightDehazeNetOptions();
        Assert.Equal(3, o.InChannel);
        Assert.Equal([new CodebookSpec(64, 1024, 512)], o.CodebookParams);
        Assert.Equal(256, o.GtResolution);
        Assert.False(o.LqStage);
        Assert.Equal(("gn", "silu"), (o.NormType, o.ActType));
        Assert.True(o.UseQuantize && o.UseResidual && o.UseWarp && !o.OnlyResidual && !o.UseWeight);
        Assert.Equal(1.0f, o.WeightAlpha);
        Assert.Equal(256, o.ChannelQueryDict[64]);
        Assert.Equal(32, o.ChannelQueryDict[512]);
        Assert.Equal(2, o.MaxDepth);
        Assert.Equal(32, o.PadMultiple);
        Assert.Equal(-21.25f, VQWeightDehazeNetOptions.OfficialLq.WeightAlpha);
    }

    [Fact]
    public void Options_round_trip_through_the_flat_dictionary()
    {
        foreach (var o in new[] { new VQWeightDehazeNetOptions(), VQWeightDehazeNetOptions.OfficialLq, Small })
        {
            var d = o.ToDictionary();
            Assert.All(d.Values, v => Assert.True(v is string or int or float or bool or int[], $"{v.GetType()} is not a plain value"));
            var back = VQWeightDehazeNetOptions.FromDictionary(d!);
            Assert.Equal(o, back);
        }
        Assert.NotEqual(VQWeightDehazeNetOptions.OfficialLq, Small);
    }

    [Fact]
    public void Missing_keys_mean_the_official_values_and_pickle_number_types_are_accepted()
    {
        Assert.Equal(new VQWeightDehazeNetOptions(), VQWeightDehazeNetOptions.FromDictionary(null));
        var o = VQWeightDehazeNetOptions.FromDictionary(new Dictionary<string, object?>
        {
            ["LQ_stage"] = true, ["weight_alpha"] = -21.25, ["gt_resolution"] = 256L,
            ["codebook_params"] = new object[] { new object[] { 64L, 1024L, 512L } },
        });
        Assert.Equal(VQWeightDehazeNetOptions.OfficialHq with { LqStage = true, WeightAlpha = -21.25f }, o);
    }

    [Fact]
    public void Unknown_keys_and_wrong_types_are_errors()
    {
        Assert.Contains("lq_stage", Assert.Throws<ArgumentException>(() =>
            VQWeightDehazeNetOptions.FromDictionary(new Dictionary<string, object?> { ["lq_stage"] = true })).Message);
        Assert.Contains("gt_resolution", Assert.Throws<ArgumentException>(() =>
            VQWeightDehazeNetOptions.FromDictionary(new Dictionary<string, object?> { ["gt_resolution"] = "256" })).Message);
    }

    [Fact]
    public void Inconsistent_options_are_rejected_by_validation()
    {
        Assert.Throws<ArgumentException>(() => (new VQWeightDehazeNetOptions { GtResolution = 96 }).Validate());
        Assert.Throws<ArgumentException>(() => (new VQWeightDehazeNetOptions { CodebookParams = [new(64, 1024, 512), new(32, 512, 256)] }).Validate());
        Assert.Throws<ArgumentException>(() => (new VQWeightDehazeNetOptions { NormType = "ln" }).Validate());
        Small.Validate();
    }
}
