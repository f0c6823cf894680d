namespace Ridcp.Inference.Tiling;

/// <summary>Progress of a tiled image: tile <see cref="Tile"/> of <see cref="Tiles"/> done in pass
/// <see cref="Pass"/> of <see cref="Passes"/> (the last pass writes the output, the earlier ones gather the
/// image-wide statistics).</summary>
public readonly record struct TileProgress(int Pass, int Passes, int Tile, int Tiles)
{
    public int Done => (Pass - 1) * Tiles + Tile;
    public int Total => Passes * Tiles;
}
