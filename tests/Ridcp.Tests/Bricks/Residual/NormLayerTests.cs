using Ridcp.Bricks.Residual;
using Ridcp.Core;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Residual;

/// <summary>GroupNorm at inference, where maps are channels-last and large.</summary>
public class NormLayerTests
{
    static Tensor Float64GroupNorm(Tensor x) => nn.functional.group_norm(x.to(ScalarType.Float64).contiguous(), NormLayer.GroupCount, null, null, NormLayer.GroupNormEps);

    [Fact]
    public void A_large_channels_last_map_is_normalised_as_in_float64()
    {
        // The size of the bundled model's first encoder map at 1 MP, with a mean large against the spread (the case
        // where LibTorch 2.10's channels-last kernel drifted by up to 0.9: docs/streaming.md).
        using var _ = no_grad();
        var x = ChannelsLast.ForInference(randn(1, 64, 352, 480, generator: new Generator(5)) * 0.005 + 0.05);
        using var norm = new NormLayer(64, "gn");
        var y = norm.forward(x);
        Assert.True(ChannelsLast.Is(y));
        // float32 output of unit-scale values: 1e-4 leaves room for the float32 rounding of the moments.
        double error = (y.to(ScalarType.Float64) - Float64GroupNorm(x)).abs().max().item<double>();
        Assert.True(error < 1e-4, $"max error {error:g3}");
    }

    [Fact]
    public void Given_moments_give_the_group_norm_of_the_map_they_come_from()
    {
        using var _ = no_grad();
        var x = randn(1, 64, 20, 30, generator: new Generator(6)) * 2 + 1;
        using var norm = new NormLayer(64, "gn");
        var sums = new GroupSums(NormLayer.GroupCount);
        sums.Add(x.permute(0, 2, 3, 1).contiguous());
        var (mean, variance) = sums.Moments();
        var y = norm.Normalise(x, mean, variance);
        Assert.True((y.to(ScalarType.Float64) - Float64GroupNorm(x)).abs().max().item<double>() < 1e-4);
        // Other moments give another result: the given ones are the ones used.
        var shifted = norm.Normalise(x, mean.Select(m => m + 1).ToArray(), variance);
        Assert.True((shifted - y).abs().max().item<float>() > 0.1f);
    }
}
