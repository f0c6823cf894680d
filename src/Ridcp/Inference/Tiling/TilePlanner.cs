using Ridcp.Models;

namespace Ridcp.Inference.Tiling;

/// <summary>Chooses, before anything is allocated, how an image is run within a memory budget: whole (when the
/// estimated working set fits) or in square tile cores that fit with their halo.</summary>
/// <remarks>Tiles are not made as large as the budget allows, only as large as pays: a tile's cost is its pixels,
/// halo included, so beyond the core whose grid computes <see cref="UsefulOverhead"/> times the image's pixels a
/// larger tile saves little time and costs memory in proportion. With the default budget (half the available
/// memory) a 16 MP photo thus runs in about 2 GB instead of filling the budget (issue 12's 2.5 GB target), and the
/// statistics pass (<see cref="TiledForward.Seed"/>) is given the same size, so the kept heap reuses its blocks for
/// the tiles.</remarks>
public static class TilePlanner
{
    /// <summary>Pixels computed over all tiles per image pixel at which tiles stop growing: 1.3 (the bundled model's
    /// 64 px halo around cores of about 800 px, windows under 1 MP). Measured at 16 MP: time per megapixel within a
    /// few percent of a whole 1 MP image's, peak memory docs/benchmarks.md.</summary>
    public const double UsefulOverhead = 1.3;

    /// <summary>Bytes left for the network's forward once the process, the fixed part of the working set (when
    /// <paramref name="reserveFixed"/>) and the image buffers are counted.</summary>
    public static long NetworkBytes(long hp, long wp, long budgetBytes, long residentBytes, bool reserveFixed = true) =>
        budgetBytes - residentBytes - (reserveFixed ? WorkingSet.FixedBytes : 0) - (long)(WorkingSet.ImageBytesPerPixel * hp * wp);

    /// <summary>Whether the whole padded image's forward fits what the budget leaves.</summary>
    public static bool FitsWhole(VQWeightDehazeNetOptions o, long hp, long wp, long budgetBytes, long residentBytes) =>
        WorkingSet.ForwardBytes(o, hp * wp) <= NetworkBytes(hp, wp, budgetBytes, residentBytes);

    /// <summary>The grid for a padded image of hp x wp pixels, or null when the whole image fits.</summary>
    /// <param name="budgetBytes">The whole process's budget (--max-memory).</param>
    /// <param name="residentBytes">What the process already holds (runtime, native library, weights).</param>
    /// <param name="halo">Halo in pixels; null = <see cref="TiledForward.DefaultHalo"/>.</param>
    /// <remarks>The fixed part of the working set (<see cref="WorkingSet.FixedBytes"/>) is reserved where the budget
    /// allows it; a budget too small for the smallest tile with it but not without it (600 MiB with the bundled model,
    /// issue 12's small-budget case) still runs, with the smallest tiles, and may exceed the budget by that part.</remarks>
    /// <exception cref="InvalidDataException">not even the smallest tile fits the budget</exception>
    public static TileGrid? Plan(VQWeightDehazeNetOptions o, long hp, long wp, long budgetBytes, long residentBytes, int? halo = null)
    {
        if (FitsWhole(o, hp, wp, budgetBytes, residentBytes)) return null;
        int h = halo ?? TiledForward.DefaultHalo(o);
        int m = o.PadMultiple;
        var grid = Tiles(o, hp, wp, h, NetworkBytes(hp, wp, budgetBytes, residentBytes))
                   ?? Tiles(o, hp, wp, h, NetworkBytes(hp, wp, budgetBytes, residentBytes, reserveFixed: false));
        if (grid is not null) return grid;
        long smallest = Math.Min(hp, m + 2L * h) * Math.Min(wp, m + 2L * h);
        long needed = budgetBytes - NetworkBytes(hp, wp, budgetBytes, residentBytes, reserveFixed: false) + WorkingSet.ForwardBytes(o, smallest);
        throw new InvalidDataException($"a memory budget of {MemoryBudget.Describe(budgetBytes)} is too small for this image: even the smallest tile ({m} px core, {h} px halo) needs about {MemoryBudget.Describe(needed)} in all (--max-memory)");
    }

    /// <summary>The smallest grid of tiles that fit <paramref name="forNetwork"/> bytes and compute no more than
    /// <see cref="UsefulOverhead"/> times the image's pixels, else the largest that fits; null if none fits.</summary>
    static TileGrid? Tiles(VQWeightDehazeNetOptions o, long hp, long wp, int halo, long forNetwork)
    {
        TileGrid? chosen = null;
        for (long core = o.PadMultiple; core <= Math.Max(hp, wp); core += o.PadMultiple)
        {
            var grid = new TileGrid(hp, wp, core, halo, o.PadMultiple);
            if (WorkingSet.ForwardBytes(o, grid.LargestTilePixels) > forNetwork) break;
            chosen = grid;
            if (grid.Overhead <= UsefulOverhead) break;   // larger tiles would only cost memory
        }
        return chosen;
    }
}
