using Ridcp.Bricks.ImageWide;

namespace Ridcp.Inference.Tiling;

/// <summary>Cuts a padded image (sides multiples of the network's pad multiple, 32 officially) into tiles: cores of
/// <see cref="CoreSize"/> pixels (the last row and column of cores take what is left) that partition the image,
/// each grown by <see cref="Halo"/> pixels on every side that has image there. Every tile edge and core edge lies
/// on the pad-multiple grid, so the strided convolutions, the latent grid and the Swin windows of a tile line up
/// with those of the whole image.</summary>
public sealed class TileGrid
{
    public long Height { get; }
    public long Width { get; }
    public long CoreSize { get; }
    public long Halo { get; }
    public IReadOnlyList<Tile> Tiles { get; }

    public TileGrid(long height, long width, long coreSize, long halo, int multiple)
    {
        if (height % multiple != 0 || width % multiple != 0) throw new ArgumentException($"padded image {width}x{height} is not a multiple of {multiple}");
        if (coreSize <= 0 || coreSize % multiple != 0) throw new ArgumentException($"tile core {coreSize} must be a positive multiple of {multiple}");
        if (halo < 0 || halo % multiple != 0) throw new ArgumentException($"halo {halo} must be a multiple of {multiple}");
        (Height, Width, CoreSize, Halo) = (height, width, coreSize, halo);
        var tiles = new List<Tile>();
        for (long y = 0; y < height; y += coreSize)
            for (long x = 0; x < width; x += coreSize)
            {
                long ch = Math.Min(coreSize, height - y), cw = Math.Min(coreSize, width - x);
                long top = Math.Max(0, y - halo), left = Math.Max(0, x - halo);
                long bottom = Math.Min(height, y + ch + halo), right = Math.Min(width, x + cw + halo);
                tiles.Add(new Tile(top, left, bottom - top, right - left, new TileCore(y - top, x - left, ch, cw, bottom - top, right - left)));
            }
        Tiles = tiles;
    }

    /// <summary>Largest tile of the grid in pixels (what the memory budget must hold).</summary>
    public long LargestTilePixels => Tiles.Max(t => t.Height * t.Width);

    /// <summary>Pixels computed over all tiles divided by the image's: the halo's extra work.</summary>
    public double Overhead => Tiles.Sum(t => (double)t.Height * t.Width) / ((double)Height * Width);
}
