using Ridcp.Bricks.ImageWide;

namespace Ridcp.Inference.Tiling;

/// <summary>Cuts a padded image (sides multiples of the network's pad multiple, 32 officially) into tiles: cores of
/// at most <see cref="CoreSize"/> pixels that partition the image, as even as the grid allows (sizes differ by at most
/// one pad multiple, so no thin last row or column of tiles), each grown by <see cref="Halo"/> pixels on every side
/// that has image there. Every tile edge and core edge lies on the pad-multiple grid, so the strided convolutions,
/// the latent grid and the Swin windows of a tile line up with those of the whole image.</summary>
/// <remarks>Tried and dropped: windows of one common shape (border tiles shifted inward) so that every tile reuses
/// the same heap blocks; they compute so much more at the borders that the planner chose 2.4 MP tiles and a 16 MP
/// photo peaked higher (7.9 GB) and ran slower (docs/benchmarks.md).</remarks>
public sealed class TileGrid
{
    public long Height { get; }
    public long Width { get; }
    /// <summary>The largest core side asked for; the cores are this size or somewhat smaller (balanced).</summary>
    public long CoreSize { get; }
    public long Halo { get; }
    public IReadOnlyList<Tile> Tiles { get; }

    public TileGrid(long height, long width, long coreSize, long halo, int multiple)
    {
        if (height % multiple != 0 || width % multiple != 0) throw new ArgumentException($"padded image {width}x{height} is not a multiple of {multiple}");
        if (coreSize <= 0 || coreSize % multiple != 0) throw new ArgumentException($"tile core {coreSize} must be a positive multiple of {multiple}");
        if (halo < 0 || halo % multiple != 0) throw new ArgumentException($"halo {halo} must be a multiple of {multiple}");
        (Height, Width, CoreSize, Halo) = (height, width, coreSize, halo);
        var rows = Balanced(height, coreSize, multiple);
        var cols = Balanced(width, coreSize, multiple);
        var tiles = new List<Tile>();
        foreach (var (y, ch) in rows)
            foreach (var (x, cw) in cols)
            {
                long top = Math.Max(0, y - halo), left = Math.Max(0, x - halo);
                long bottom = Math.Min(height, y + ch + halo), right = Math.Min(width, x + cw + halo);
                tiles.Add(new Tile(top, left, bottom - top, right - left, new TileCore(y - top, x - left, ch, cw, bottom - top, right - left)));
            }
        Tiles = tiles;
    }

    /// <summary>Splits a side into the fewest cores of at most <paramref name="core"/> pixels, in whole multiples, as
    /// evenly as possible (the first ones one multiple larger where it does not divide).</summary>
    static List<(long Start, long Size)> Balanced(long side, long core, int multiple)
    {
        long units = side / multiple, count = (side + core - 1) / core;
        var parts = new List<(long, long)>();
        long start = 0;
        for (long i = 0; i < count; i++)
        {
            long size = (units / count + (i < units % count ? 1 : 0)) * multiple;
            parts.Add((start, size));
            start += size;
        }
        return parts;
    }

    /// <summary>Largest tile of the grid in pixels (what the memory budget must hold).</summary>
    public long LargestTilePixels => Tiles.Max(t => t.Height * t.Width);

    /// <summary>Pixels computed over all tiles divided by the image's: the halo's extra work.</summary>
    public double Overhead => Tiles.Sum(t => (double)t.Height * t.Width) / ((double)Height * Width);
}
