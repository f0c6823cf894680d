using Ridcp.Bricks.Neighborhood;
using Xunit;

namespace Ridcp.Tests.Bricks.Neighborhood;

public class NeighborhoodWindowsTests
{
    [Theory]
    [InlineData(7, 1, 7)] [InlineData(7, 1, 30)] [InlineData(7, 2, 17)] [InlineData(5, 3, 16)] [InlineData(3, 4, 14)] [InlineData(7, 4, 32)]
    public void Every_query_sees_k_distinct_in_range_keys_of_its_own_subgrid_including_itself(int k, int d, int length)
    {
        for (int i = 0; i < length; i++)
        {
            var keys = NeighborhoodWindows.KeyIndices(i, 1, length, k, d);
            Assert.All(keys, j => Assert.InRange(j, 0, length - 1));
            Assert.All(keys, j => Assert.Equal(i % d, j % d));
            Assert.Contains((long)i, keys);
            Assert.Equal(k, keys.Distinct().Count());
            // the bias slice is the key offset relative to the query, shifted into 0..2k-2
            var bias = NeighborhoodWindows.BiasIndices(i, 1, length, k, d);
            for (int a = 0; a < k; a++) Assert.Equal((keys[a] - i) / d + k - 1, bias[a]);
        }
    }

    [Fact]
    public void Away_from_the_border_the_window_is_centred()
    {
        Assert.Equal(10 - 3, NeighborhoodWindows.WindowStart(10, 30, 7, 1));
        Assert.Equal(10 - 3 * 2, NeighborhoodWindows.WindowStart(10, 30, 7, 2));
        Assert.Equal(3, NeighborhoodWindows.BiasStart(10, 30, 7, 1));
    }
}
