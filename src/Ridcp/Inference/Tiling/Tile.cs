using Ridcp.Bricks.ImageWide;

namespace Ridcp.Inference.Tiling;

/// <summary>One tile of a padded image: rows [Top, Top + Height), columns [Left, Left + Width), and the core whose
/// output is kept (the rest is halo).</summary>
public sealed record Tile(long Top, long Left, long Height, long Width, TileCore Core);
