using Ridcp.Matching;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Matching;

public class AlphaSearchTests
{
    /// <summary>The search stops when brackets are narrower than 0.01 (the precision); a plateau edge is
    /// therefore known to within that.</summary>
    const double Precision = 0.01;

    [Fact]
    public void The_minimum_plateau_of_a_step_function_is_found_between_grid_points()
    {
        // KL-like step function: 1 outside [1.234, 1.734), 0 inside; grid points 1 and 2 both miss the plateau
        double F(double a) => a >= 1.234 && a < 1.734 ? 0.0 : a < 1.234 ? 1.0 : 0.5;
        var r = AlphaSearch.Run(F, new AlphaSearchOptions { Min = -10, Max = 10, GridStep = 1 });
        Assert.Equal(0.0, r.Kl);
        Assert.Equal(1.234, r.PlateauLow, Precision);
        Assert.Equal(1.734, r.PlateauHigh, Precision);
        Assert.Equal(1.48, r.Alpha, Precision);
        Assert.Equal(Math.Round(r.Alpha, 2), r.Alpha);
    }

    [Fact]
    public void A_smooth_minimum_is_found_to_the_precision()
    {
        var r = AlphaSearch.Run(a => (a + 21.25) * (a + 21.25), new AlphaSearchOptions());
        Assert.Equal(-21.25, r.Alpha, Precision);
        Assert.Equal(21.25 * 21.25, r.KlAtZero, 1e-9);
    }

    [Fact]
    public void A_plateau_reaching_the_range_end_stops_there()
    {
        var r = AlphaSearch.Run(a => a < -5 ? 0.0 : 1.0, new AlphaSearchOptions { Min = -20, Max = 20, GridStep = 2 });
        Assert.Equal(-20, r.PlateauLow);
        Assert.Equal(-5, r.PlateauHigh, Precision);
        Assert.Equal(-12.5, r.Alpha, Precision);
    }

    [Fact]
    public void The_curve_holds_every_grid_point_sorted()
    {
        var r = AlphaSearch.Run(a => Math.Abs(a - 3), new AlphaSearchOptions { Min = -4, Max = 4, GridStep = 0.5 });
        for (double a = -4; a <= 4; a += 0.5) Assert.Contains(r.Curve, c => c.Alpha == a);
        Assert.True(r.Curve.Zip(r.Curve.Skip(1)).All(p => p.First.Alpha < p.Second.Alpha));
        Assert.Equal(r.Curve.Count, r.Evaluations);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(5, -5)]
    [InlineData(double.NaN, 5)]
    public void An_empty_or_invalid_range_is_refused(double min, double max)
    {
        Assert.Throws<ArgumentException>(() => AlphaSearch.Run(a => a, new AlphaSearchOptions { Min = min, Max = max }));
    }

    [Fact]
    public void The_recommended_alpha_matches_the_clear_frequencies_on_synthetic_tokens()
    {
        // tokens switch to code 1 below α = s_j; p1 = (1/4, 3/4) needs exactly three of four on code 1:
        // α ∈ [−2.7, −2.2), the only α where KL reaches its floor; at α = 0 two tokens (s = 1, 3) are on code 1.
        using var scope = NewDisposeScope();
        using var cache = new MatchingCache(SyntheticTokens.Codebook(), SyntheticTokens.Weight(), -20, 20);
        cache.AddImage(SyntheticTokens.Tokens(-2.7, -2.2, 1, 3));
        double[] p1 = [0.25, 0.75];
        var r = AlphaRecommendation.ForSet(cache, p1, new AlphaSearchOptions { Min = -10, Max = 10, GridStep = 1 });
        Assert.Equal(-2.7, r.PlateauLow, Precision);
        Assert.Equal(-2.2, r.PlateauHigh, Precision);
        Assert.Equal(-2.45, r.Alpha, Precision);
        Assert.Equal(new long[] { 1, 3 }, cache.Counts(r.Alpha));
        Assert.Equal(KlDivergence.Compute(p1, [0.25, 0.75]), r.Kl, 1e-12);
        Assert.Equal(KlDivergence.Compute(p1, [0.5, 0.5]), r.KlAtZero, 1e-12);
    }

    [Fact]
    public void Each_image_gets_its_own_alpha_by_the_same_criterion()
    {
        // p1 = (3/4, 1/4): exactly one of four tokens should take code 1, which it does for α < s_j.
        // image 0: s = (−6, −5, −4, 3.5): one token on code 1 ⇔ α ∈ [−4, 3.5), centre −0.25
        // image 1: s = (−9, −8.5, −8, −7.5): one token ⇔ α ∈ [−8, −7.5), centre −7.75
        using var scope = NewDisposeScope();
        using var cache = new MatchingCache(SyntheticTokens.Codebook(), SyntheticTokens.Weight(), -20, 20);
        cache.AddImage(SyntheticTokens.Tokens(-6, -5, -4, 3.5));
        cache.AddImage(SyntheticTokens.Tokens(-9, -8.5, -8, -7.5));
        double[] p1 = [0.75, 0.25];
        var options = new AlphaSearchOptions { Min = -20, Max = 20, GridStep = 1 };
        var r0 = AlphaRecommendation.ForImage(cache, 0, p1, options);
        var r1 = AlphaRecommendation.ForImage(cache, 1, p1, options);
        Assert.Equal(-0.25, r0.Alpha, Precision);
        Assert.Equal(-7.75, r1.Alpha, Precision);
        Assert.Equal(new long[] { 3, 1 }, cache.ImageCounts(0, r0.Alpha));
        Assert.Equal(new long[] { 3, 1 }, cache.ImageCounts(1, r1.Alpha));
    }
}
