using Ridcp.Matching;
using Xunit;

namespace Ridcp.Tests.Matching;

public class CodeStatisticsTests
{
    [Fact]
    public void Counts_frequencies_images_and_tokens_follow_the_indices()
    {
        var s = new CodeStatistics(4, "hq");
        s.AddImage([0, 1, 1, 3]);
        s.AddImage([1, 1, 1, 1, 3, 3]);
        Assert.Equal(new long[] { 1, 6, 0, 3 }, s.Counts.ToArray());
        Assert.Equal(2, s.Images);
        Assert.Equal(10, s.Tokens);
        Assert.Equal(new[] { 0.1, 0.6, 0.0, 0.3 }, s.Frequencies());
    }

    [Fact]
    public void An_index_outside_the_codebook_is_refused_and_counts_stay_unchanged()
    {
        var s = new CodeStatistics(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.AddImage([0, 4]));
        Assert.Equal(0, s.Tokens);
        Assert.Equal(new long[4], s.Counts.ToArray());
    }

    [Fact]
    public void Json_round_trip_keeps_everything()
    {
        var s = new CodeStatistics(5, "lq");
        s.AddImage([4, 4, 2, 0]);
        string path = Path.Combine(Path.GetTempPath(), $"stats-{Guid.NewGuid():N}.json");
        try
        {
            s.Save(path);
            var r = CodeStatistics.Load(path);
            Assert.Equal("lq", r.Stage);
            Assert.Equal(s.Counts.ToArray(), r.Counts.ToArray());
            Assert.Equal(1, r.Images);
            Assert.Equal(4, r.Tokens);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"format\": \"something-else\"}")]
    [InlineData("{\"format\": \"ridcp-chm-stats\", \"version\": 1, \"stage\": \"hq\", \"codebook_size\": 3, \"images\": 1, \"tokens\": 5, \"counts\": [1, 2, 1]}")]
    [InlineData("{\"format\": \"ridcp-chm-stats\", \"version\": 1, \"stage\": \"hq\", \"codebook_size\": 3, \"images\": 1, \"tokens\": 2, \"counts\": [1, 1]}")]
    [InlineData("{\"format\": \"ridcp-chm-stats\", \"version\": 1, \"stage\": \"hq\", \"codebook_size\": 2, \"images\": 1, \"tokens\": 0, \"counts\": [1, -1]}")]
    [InlineData("{\"format\": \"ridcp-chm-stats\", \"version\": 1, \"stage\": \"hq\", \"codebook_size\": 2, \"images\": 1, \"tokens\": 2, \"counts\": [\"a\", 1]}")]
    public void A_broken_statistics_file_is_reported_as_invalid_data(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-stats-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, content);
        try { Assert.Throws<InvalidDataException>(() => CodeStatistics.Load(path)); }
        finally { File.Delete(path); }
    }
}
