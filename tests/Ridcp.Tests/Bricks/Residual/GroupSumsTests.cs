using Ridcp.Bricks.Residual;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Residual;

public class GroupSumsTests
{
    /// <summary>Runs of 256 float32 additions of values near 1, added in double: over 10^5 values the mean is
    /// within a few float32 ulps of the exact one.</summary>
    private const double MeanAgreement = 1e-6;

    [Fact]
    public void The_mean_of_a_channels_last_bf16_map_equals_its_float64_mean()
    {
        // The NFA ratio's means in bf16 inference (Models/MultiScaleDecoder) and in stripes (Inference/Streaming).
        using var scope = NewDisposeScope();
        var g = new TorchSharp.torch.Generator(4);
        var map = (randn(1, 37, 41, 64, generator: g) + 1).to(ScalarType.BFloat16).permute(0, 3, 1, 2);   // channels-last
        var sums = new GroupSums(1);
        sums.Add(map.permute(0, 2, 3, 1));
        Assert.Equal(map.to(ScalarType.Float64).mean().item<double>(), sums.Mean, MeanAgreement);
    }

    /// <summary>Stripes cut the float32 runs elsewhere than the whole map does: float32 rounding, ~1e-7 of the
    /// moments (mean ~2, variance ~9), far inside this.</summary>
    private const double StripeAgreement = 1e-5;

    [Fact]
    public void Stripes_add_up_to_the_whole_maps_moments()
    {
        using var scope = NewDisposeScope();
        var nhwc = randn(1, 30, 20, 64, generator: new TorchSharp.torch.Generator(8)) * 3 + 2;
        var whole = new GroupSums(32);
        whole.Add(nhwc);
        var striped = new GroupSums(32);
        foreach (var (row, rows) in new[] { (0L, 7L), (7L, 16L), (23L, 7L) }) striped.Add(nhwc.narrow(1, row, rows));
        var (m1, v1) = whole.Moments();
        var (m2, v2) = striped.Moments();
        for (int g = 0; g < 32; g++)
        {
            Assert.Equal(m1[g], m2[g], StripeAgreement);
            Assert.Equal(v1[g], v2[g], StripeAgreement);
        }
    }
}
