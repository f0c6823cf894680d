using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>BasicSR GANLoss with gan_type 'hinge' (basicsr/losses/gan_loss.py).
/// Discriminator: mean(relu(1 - pred)) for real, mean(relu(1 + pred)) for fake, never weighted (BasicSR applies
/// loss_weight to the generator side only). Generator: -mean(pred) * loss_weight.</summary>
public static class HingeGanLoss
{
    public static Tensor Generator(Tensor fakePred, double lossWeight) => -fakePred.mean() * lossWeight;

    public static Tensor Discriminator(Tensor pred, bool targetIsReal) =>
        nn.functional.relu(targetIsReal ? 1 - pred : 1 + pred).mean();
}
