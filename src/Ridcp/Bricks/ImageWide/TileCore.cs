using static TorchSharp.torch;

namespace Ridcp.Bricks.ImageWide;

/// <summary>Where a tile's core lies inside the tile, in input pixels: rows [Top, Top + Height), columns
/// [Left, Left + Width) of a tile of TileHeight x TileWidth. Feature maps at 1/s of the input size hold the core
/// at 1/s of these numbers (the tiler aligns cores to the network's coarsest grid, so they divide exactly).</summary>
public readonly record struct TileCore(long Top, long Left, long Height, long Width, long TileHeight, long TileWidth)
{
    /// <summary>The core of a feature map x [B, C, h, w] of this tile.</summary>
    public Tensor Of(Tensor x)
    {
        long h = x.shape[2], w = x.shape[3];
        if (TileHeight % h != 0 || TileWidth % w != 0 || TileHeight / h != TileWidth / w)
            throw new InvalidOperationException($"a {w}x{h} map is no whole fraction of the {TileWidth}x{TileHeight} tile");
        long s = TileHeight / h;
        if (Top % s != 0 || Left % s != 0 || Height % s != 0 || Width % s != 0)
            throw new InvalidOperationException($"tile core not aligned to the 1/{s} grid");
        return x.narrow(2, Top / s, Height / s).narrow(3, Left / s, Width / s);
    }
}
