using Ridcp.Inference.Tiling;
using Xunit;

namespace Ridcp.Tests.Inference.Tiling;

/// <summary>The tiler's geometry: cores partition the padded image, every edge lies on the pad-multiple grid, halos
/// stop at the image.</summary>
public class TileGridTests
{
    [Fact]
    public void Cores_cover_every_pixel_exactly_once_and_tiles_stay_inside_the_image()
    {
        var grid = new TileGrid(224, 352, 96, 64, 32);
        var count = new int[224, 352];
        foreach (var t in grid.Tiles)
        {
            Assert.True(t.Top >= 0 && t.Left >= 0 && t.Top + t.Height <= 224 && t.Left + t.Width <= 352);
            Assert.All(new[] { t.Top, t.Left, t.Height, t.Width, t.Core.Top, t.Core.Left, t.Core.Height, t.Core.Width }, v => Assert.Equal(0, v % 32));
            for (long y = 0; y < t.Core.Height; y++)
                for (long x = 0; x < t.Core.Width; x++)
                    count[t.Top + t.Core.Top + y, t.Left + t.Core.Left + x]++;
        }
        Assert.All(count.Cast<int>(), c => Assert.Equal(1, c));
        Assert.Equal(3 * 4, grid.Tiles.Count);
    }

    [Fact]
    public void An_inner_tile_has_its_halo_on_every_side()
    {
        var grid = new TileGrid(320, 320, 64, 32, 32);
        var inner = grid.Tiles.Single(t => t.Top + t.Core.Top == 128 && t.Left + t.Core.Left == 128);
        Assert.Equal((96L, 96L, 128L, 128L), (inner.Top, inner.Left, inner.Height, inner.Width));
        Assert.Equal((32L, 32L), (inner.Core.Top, inner.Core.Left));
    }

    [Fact]
    public void Cores_are_balanced_so_no_thin_row_of_tiles_is_left()
    {
        // 3008 rows in cores of at most 992: 4 rows of 768/736 px, not three of 992 and one of 32.
        var grid = new TileGrid(3008, 5344, 992, 64, 32);
        var coreHeights = grid.Tiles.Select(t => t.Core.Height).Distinct().ToList();
        Assert.Equal(new long[] { 768, 736 }, coreHeights);
        Assert.All(grid.Tiles, t => Assert.True(t.Core.Height <= 992 && t.Core.Width <= 992));
        Assert.Equal(4 * 6, grid.Tiles.Count);
    }

    [Fact]
    public void Sizes_off_the_grid_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TileGrid(100, 320, 64, 32, 32));
        Assert.Throws<ArgumentException>(() => new TileGrid(320, 320, 48, 32, 32));
        Assert.Throws<ArgumentException>(() => new TileGrid(320, 320, 64, 16, 32));
    }
}
