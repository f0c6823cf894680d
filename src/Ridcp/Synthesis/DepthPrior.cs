namespace Ridcp.Synthesis;

/// <summary>Depth priors for photos without a depth map (`--depth-prior`). See <see cref="DepthPriors"/>.</summary>
public enum DepthPrior
{
    /// <summary>Outdoor scene layout: ground receding to a horizon, sky at infinity, edges from the photo.</summary>
    Outdoor,
    /// <summary>The same depth everywhere (uniform haze, t = exp(−β)).</summary>
    Constant,
    /// <summary>A random smooth field, drawn per sample.</summary>
    SmoothRandom,
}
