using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>BasicSR L1Loss (reduction 'mean'): loss_weight * mean |pred - target|.</summary>
public static class PixelLoss
{
    public static Tensor L1(Tensor pred, Tensor target, double weight = 1.0) =>
        (pred - target).abs().mean() * weight;
}
