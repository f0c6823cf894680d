using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>One synthetic hazy sample: the hazy image, its transmission map (row-major [H, W]) and the drawn parameters.</summary>
public sealed record SynthesisResult(RgbImage Hazy, float[] Transmission, HazeParameters Parameters);
