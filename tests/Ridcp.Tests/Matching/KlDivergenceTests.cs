using Ridcp.Matching;
using Xunit;

namespace Ridcp.Tests.Matching;

public class KlDivergenceTests
{
    /// <summary>The ε floor moves a KL between histograms without empty bins by O(K·ε) = a few 1e-6.</summary>
    const double FloorEffect = 1e-5;

    [Fact]
    public void Known_divergence_of_two_histograms()
    {
        double expected = 0.5 * Math.Log(0.5 / 0.25) + 0.5 * Math.Log(0.5 / 0.75);
        Assert.Equal(expected, KlDivergence.Compute([0.5, 0.5], [0.25, 0.75]), FloorEffect);
    }

    [Fact]
    public void Identical_histograms_have_no_divergence()
    {
        Assert.Equal(0, KlDivergence.Compute([0.1, 0.2, 0.7], [0.1, 0.2, 0.7]), FloorEffect);
    }

    [Fact]
    public void An_empty_bin_costs_the_stated_floor_not_infinity()
    {
        double eps = KlDivergence.Epsilon;
        double expected = Math.Log(1.0 / (eps / (1 + 2 * eps)));
        Assert.Equal(expected, KlDivergence.Compute([1.0, 0.0], [0.0, 1.0]), 1e-9);
        Assert.True(double.IsFinite(expected) && expected > 13);
    }

    [Fact]
    public void Bins_the_reference_never_uses_do_not_count()
    {
        Assert.Equal(KlDivergence.Compute([1.0, 0.0, 0.0], [0.5, 0.5, 0.0]),
                     KlDivergence.Compute([1.0, 0.0, 0.0], [0.5, 0.0, 0.5]));
    }

    [Fact]
    public void Counts_are_turned_into_frequencies()
    {
        Assert.Equal(KlDivergence.Compute([0.5, 0.5], [0.25, 0.75]), KlDivergence.Compute([0.5, 0.5], new long[] { 1, 3 }));
    }
}
