using Ridcp.Inference;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference;

public class MaxSizeRuleTests
{
    /// <summary>Parity README section 7: interp cases agree to 1e-6 (same libtorch kernel; float32 noise).</summary>
    const double InterpTolerance = 1e-6;

    [Fact]
    public void Resize_matches_the_official_UpsamplingBilinear2d_down_and_up_pair()
    {
        using var scope = NewDisposeScope();
        var input = Parity.DeterministicWeights.LoadNpy("interp_input.npy");
        var down = MaxSizeRule.Resize(input, 4, 6);
        var up = MaxSizeRule.Resize(down, 9, 13);
        Assert.True(down.allclose(Parity.DeterministicWeights.LoadNpy("interp_down.npy"), rtol: 0, atol: InterpTolerance));
        Assert.True(up.allclose(Parity.DeterministicWeights.LoadNpy("interp_up.npy"), rtol: 0, atol: InterpTolerance));
    }

    [Fact]
    public void Halving_starts_at_exactly_max_size_squared_pixels()
    {
        Assert.False(MaxSizeRule.NeedsHalving(1500, 1499, 1500));
        Assert.True(MaxSizeRule.NeedsHalving(1500, 1500, 1500));
        Assert.True(MaxSizeRule.NeedsHalving(750, 3000, 1500));
        Assert.False(MaxSizeRule.NeedsHalving(9, 13, 11));
        Assert.True(MaxSizeRule.NeedsHalving(9, 13, 10));
    }

    [Fact]
    public void Apply_runs_the_network_at_half_size_and_resizes_back_with_the_official_pair()
    {
        using var scope = NewDisposeScope();
        var input = Parity.DeterministicWeights.LoadNpy("interp_input.npy"); // [1,3,9,13]: 117 px >= 10^2
        long[]? seen = null;
        var output = MaxSizeRule.Apply(input, 10, x => { seen = x.shape; return x; });
        Assert.Equal(new long[] { 1, 3, 4, 6 }, seen);
        Assert.True(output.allclose(Parity.DeterministicWeights.LoadNpy("interp_up.npy"), rtol: 0, atol: InterpTolerance));

        var direct = MaxSizeRule.Apply(input, 11, x => { seen = x.shape; return x; }); // 117 < 121
        Assert.Equal(new long[] { 1, 3, 9, 13 }, seen);
        Assert.Same(input, direct);
    }
}
