using Ridcp.Inference;
using Xunit;

namespace Ridcp.Tests.Inference;

public class DehazeShardTests
{
    static IReadOnlyList<DehazeItem> Items(int n) => Enumerable.Range(0, n).Select(i => new DehazeItem($"in/{i:D3}.png", $"out/{i:D3}.png")).ToList();

    [Theory]
    [InlineData(10, 3)]
    [InlineData(2, 5)]
    [InlineData(100, 7)]
    public void Shards_are_disjoint_cover_everything_and_differ_in_size_by_at_most_one(int items, int shards)
    {
        var all = Items(items);
        var parts = Enumerable.Range(0, shards).Select(k => new DehazeShard(k, shards).Select(all)).ToList();
        Assert.Equal(all, parts.SelectMany(p => p).OrderBy(i => i.Input, StringComparer.Ordinal));
        Assert.True(parts.Max(p => p.Count) - parts.Min(p => p.Count) <= 1);
    }

    [Fact]
    public void Parse_reads_k_of_n_counting_from_zero()
    {
        Assert.Equal(new DehazeShard(2, 4), DehazeShard.Parse("2/4"));
        Assert.Throws<ArgumentException>(() => DehazeShard.Parse("4/4"));
        Assert.Throws<ArgumentException>(() => DehazeShard.Parse(" 1/4"));
    }
}
