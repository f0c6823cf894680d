using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>LPIPS's normalize_tensor (richzhang/PerceptualSimilarity lpips/pretrained_networks: x / (‖x‖₂ + eps)
/// along channels), for both perceptual losses.</summary>
/// <remarks>Deviation in the gradient only: the squared norm is clamped at <see cref="MinSquaredNorm"/> before the
/// square root. A feature vector that is exactly zero (all channels cut by ReLU, e.g. over a flat black background)
/// makes sqrt's derivative infinite and 0·∞ = NaN in the backward pass; the first training run on the 114-photo data
/// turned every weight into NaN at its first Adam step this way. The forward value is unchanged: the numerator of such
/// a vector is zero either way, and any vector with ‖x‖² ≥ 1e-20 is untouched.</remarks>
public static class FeatureNormalize
{
    /// <summary>LPIPS normalize_tensor eps.</summary>
    public const double Eps = 1e-10;
    public const double MinSquaredNorm = 1e-20;

    public static Tensor Channels(Tensor features) =>
        features / (features.square().sum(1, keepdim: true).clamp_min(MinSquaredNorm).sqrt() + Eps);
}
