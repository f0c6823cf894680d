using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>A clear photo held in memory for the pair source, with its normalised depth map and what the map means;
/// a null map means "draw a smooth random prior per sample".</summary>
public sealed record PairSourceItem(string Name, RgbImage Clear, float[]? NormalisedDepth, DepthKind Kind);
