using Ridcp.Matching;
using Xunit;

namespace Ridcp.Tests.Matching;

public class ChmWeightTests
{
    static readonly double[] P1 = [0.5, 0.3, 0.2, 0.0];
    static readonly double[] P2 = [0.25, 0.25, 0.25, 0.25];

    [Fact]
    public void The_official_weight_is_the_absolute_frequency_difference()
    {
        var w = ChmWeight.FromFrequencies(P1, P2);
        Assert.Equal(new[] { 0.25f, 0.05f, 0.05f, 0.25f }, w.Values, (a, b) => Math.Abs(a - b) < 1e-7f);
    }

    [Fact]
    public void The_signed_weight_keeps_the_direction()
    {
        var w = ChmWeight.FromFrequencies(P1, P2, signed: true);
        Assert.Equal(new[] { 0.25f, 0.05f, -0.05f, -0.25f }, w.Values, (a, b) => Math.Abs(a - b) < 1e-7f);
    }

    [Fact]
    public void The_weight_from_statistics_uses_their_frequencies()
    {
        var clear = new CodeStatistics(3, "hq");
        clear.AddImage([0, 0, 0, 1]);
        var hazy = new CodeStatistics(3, "lq");
        hazy.AddImage([1, 2]);
        var w = ChmWeight.FromStatistics(clear, hazy);
        Assert.Equal(new[] { 0.75f, 0.25f, 0.5f }, w.Values);
    }

    [Fact]
    public void Statistics_of_different_codebooks_or_without_tokens_are_refused()
    {
        var a = new CodeStatistics(3); a.AddImage([0]);
        var b = new CodeStatistics(4); b.AddImage([0]);
        Assert.Throws<ArgumentException>(() => ChmWeight.FromStatistics(a, b));
        Assert.Throws<InvalidDataException>(() => ChmWeight.FromStatistics(a, new CodeStatistics(3)));
    }

    [Fact]
    public void The_clear_statistics_live_beside_the_weight()
    {
        Assert.Equal(Path.Combine("models", "chm.p1.json"), ChmWeight.ClearStatisticsPath(Path.Combine("models", "chm.pth")));
    }
}
