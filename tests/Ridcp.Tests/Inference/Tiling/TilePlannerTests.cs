using Ridcp.Inference.Tiling;
using Ridcp.Models;
using Xunit;

namespace Ridcp.Tests.Inference.Tiling;

/// <summary>The budget decides, before anything is allocated, whether an image runs whole or in tiles and how large.</summary>
public class TilePlannerTests
{
    internal static readonly VQWeightDehazeNetOptions Bundled = new()
    {
        LqStage = true, CodebookParams = [new(64, 256, 64)],
        ChannelQueryDict = new SortedDictionary<int, int> { [64] = 64, [128] = 32, [256] = 32 },
        SwinBlkDepth = 2, SwinNumBlocks = 2, SwinNumHeads = 2,
    };

    const long MiB = 1L << 20;

    [Fact]
    public void An_image_that_fits_the_budget_runs_whole()
    {
        Assert.Null(TilePlanner.Plan(Bundled, 512, 768, 8L << 30, 300 * MiB));
    }

    [Fact]
    public void A_smaller_budget_picks_smaller_tiles()
    {
        long hp = 3008, wp = 5344;
        var large = TilePlanner.Plan(Bundled, hp, wp, 4L << 30, 300 * MiB);
        var small = TilePlanner.Plan(Bundled, hp, wp, 2L << 30, 300 * MiB);
        Assert.NotNull(large);
        Assert.NotNull(small);
        Assert.True(small!.CoreSize < large!.CoreSize, $"{small.CoreSize} vs {large.CoreSize}");
        Assert.True(small.Tiles.Count > large.Tiles.Count);
        // The chosen tile's estimated working set fits what the budget leaves for the network.
        long forNetwork = TilePlanner.NetworkBytes(hp, wp, 2L << 30, 300 * MiB);
        Assert.True(WorkingSet.ForwardBytes(Bundled, small.LargestTilePixels) <= forNetwork);
    }

    [Fact]
    public void A_budget_below_the_smallest_tile_is_refused_with_the_size_needed()
    {
        var e = Assert.Throws<InvalidDataException>(() => TilePlanner.Plan(Bundled, 1216, 1632, 400 * MiB, 300 * MiB));
        Assert.Contains("too small", e.Message);
        Assert.Contains("--max-memory", e.Message);
    }

    [Fact]
    public void The_halo_lies_on_the_pad_grid_and_grows_with_the_swin_depth()
    {
        int bound = ReceptiveField.Halo(Bundled);
        Assert.True(bound >= ReceptiveField.Radius(Bundled));
        Assert.Equal(0, bound % Bundled.PadMultiple);
        Assert.Equal(64, TiledForward.DefaultHalo(Bundled));                 // the measured sufficient halo (docs/tiling.md)
        Assert.True(TiledForward.DefaultHalo(VQWeightDehazeNetOptions.OfficialLq) > 64);
        Assert.True(ReceptiveField.Radius(VQWeightDehazeNetOptions.OfficialLq) > ReceptiveField.Radius(Bundled));
    }

    [Fact]
    public void Six_hundred_megabytes_hold_a_1600x1200_photo_of_the_bundled_model_in_tiles()
    {
        // Issue 12's target; 300 MiB resident is what `ridcp dehaze` holds with the bundled model before the image.
        var grid = TilePlanner.Plan(Bundled, 1216, 1632, 600 * MiB, 300 * MiB);
        Assert.NotNull(grid);
        Assert.True(grid!.CoreSize >= 64, $"core {grid.CoreSize}");
    }

    [Fact]
    public void Tiles_stop_growing_once_the_halo_costs_little_even_when_the_budget_allows_more()
    {
        long hp = 3008, wp = 5344;   // a 5312x2988 photo, padded
        var grid = TilePlanner.Plan(Bundled, hp, wp, 20L << 30, 300 * MiB);
        Assert.NotNull(grid);
        Assert.True(grid!.Overhead <= TilePlanner.UsefulOverhead, $"overhead {grid.Overhead}");
        // The next smaller core would compute more than the useful overhead: this is the smallest such grid.
        var smaller = new TileGrid(hp, wp, grid.CoreSize - Bundled.PadMultiple, grid.Halo, Bundled.PadMultiple);
        Assert.True(smaller.Overhead > TilePlanner.UsefulOverhead, $"core {smaller.CoreSize}: overhead {smaller.Overhead}");
        // and far less than the 20 GiB is planned for.
        Assert.True(WorkingSet.ForwardBytes(Bundled, grid.LargestTilePixels) < 5L << 30);
    }

    [Fact]
    public void A_budget_that_cannot_reserve_the_fixed_part_still_runs_the_smallest_tiles()
    {
        // 600 MiB with 300 MiB resident leaves less than the fixed part plus a tile: the planner runs the smallest
        // tiles rather than refusing, and the peak may exceed the budget by at most the fixed part.
        long hp = 1216, wp = 1632;
        Assert.True(TilePlanner.NetworkBytes(hp, wp, 600 * MiB, 300 * MiB) < WorkingSet.ForwardBytes(Bundled, 160 * 160));
        var grid = TilePlanner.Plan(Bundled, hp, wp, 600 * MiB, 300 * MiB);
        Assert.NotNull(grid);
        Assert.True(WorkingSet.ForwardBytes(Bundled, grid!.LargestTilePixels) <= TilePlanner.NetworkBytes(hp, wp, 600 * MiB, 300 * MiB, reserveFixed: false));
    }
}
