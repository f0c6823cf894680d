namespace Ridcp.Synthesis;

/// <summary>Pre-processing of a monocular depth network exported to ONNX. Defaults suit MiDaS v2.1 / DPT and
/// Depth Anything (ImageNet mean/std); MiDaS v3 DPT models use mean = std = 0.5.</summary>
public sealed record MonocularDepthOptions
{
    /// <summary>Network input width and height; null = the model's fixed input size, or 384x384 when it has none.</summary>
    public int? InputWidth { get; init; }
    public int? InputHeight { get; init; }
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];
    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];
    public const int FallbackSize = 384;
}
