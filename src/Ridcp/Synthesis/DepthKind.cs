namespace Ridcp.Synthesis;

/// <summary>What a depth map's values mean.</summary>
public enum DepthKind
{
    /// <summary>Inverse depth / disparity: near is large (the official depth_500 maps, MiDaS outputs).
    /// t = exp(-2β(1 - d)).</summary>
    Inverse,
    /// <summary>Depth: far is large. t = exp(-2β d).</summary>
    Depth,
}
