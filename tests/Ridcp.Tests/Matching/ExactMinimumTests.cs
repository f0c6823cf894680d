using Ridcp.Matching;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Matching;

public class ExactMinimumTests
{
    /// <summary>Switching α values of the synthetic tokens are exact up to float32 rounding of their coordinates.</summary>
    const double SwitchPrecision = 1e-4;

    [Fact]
    public void The_sweep_finds_a_narrow_optimum_that_the_grid_and_golden_section_miss()
    {
        // p1 = (1/2, 1/2) needs four of eight tokens on code 1, which happens only for α ∈ [2.3, 2.35); five or three
        // tokens (KL 0.0323) hold on wide stretches, and the first grid minimum (α = −3) brackets a place far from it
        using var scope = NewDisposeScope();
        using var cache = new MatchingCache(SyntheticTokens.Codebook(), SyntheticTokens.Weight(), -10, 10);
        cache.AddImage(SyntheticTokens.Tokens(-9, -8, -3, 2.3, 2.35, 8, 9, 9.5));
        double[] p1 = [0.5, 0.5];
        var search = AlphaRecommendation.ForSet(cache, p1, new AlphaSearchOptions { Min = -10, Max = 10, GridStep = 1 });
        var exact = ExactMinimum.Find(cache, p1);
        Assert.Equal(KlDivergence.Compute(p1, [0.625, 0.375]), search.Kl, 1e-9);
        Assert.Equal(2.3, exact.Low, SwitchPrecision);
        Assert.Equal(2.35, exact.High, SwitchPrecision);
        Assert.InRange(exact.Alpha, exact.Low, exact.High);
        Assert.Equal(KlDivergence.Compute(p1, [0.5, 0.5]), exact.Kl, 1e-12);
        Assert.Equal(new long[] { 4, 4 }, cache.Counts(exact.Alpha));
        Assert.Equal(8, exact.Switches);
    }

    [Fact]
    public void The_sweep_agrees_with_direct_counts_everywhere_on_random_features()
    {
        using var scope = NewDisposeScope();
        var gen = new TorchSharp.torch.Generator(11);
        var codebook = randn([32, 8], generator: gen);
        var weight = rand([32], generator: gen) * 0.1f;
        using var cache = new MatchingCache(codebook, weight, -30, 30);
        cache.AddImage(randn([400, 8], generator: gen));
        var p1 = Enumerable.Range(0, 32).Select(k => (k % 3 + 1) / 64.0).ToArray();
        double sum = p1.Sum();
        for (int k = 0; k < p1.Length; k++) p1[k] /= sum;
        var exact = ExactMinimum.Find(cache, p1);
        Assert.True(exact.Switches > 50, "the case should have many switches");
        // no α of a fine scan beats the sweep's minimum, and the sweep's plateau really has that KL
        for (double a = -30; a <= 30; a += 0.05)
            Assert.True(KlDivergence.Compute(p1, cache.Counts(a)) >= exact.Kl - 1e-12, $"α = {a} beats the sweep");
        Assert.Equal(exact.Kl, KlDivergence.Compute(p1, cache.Counts(0.5 * (exact.Low + exact.High))), 1e-12);
    }
}
