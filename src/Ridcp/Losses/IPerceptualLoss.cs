using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>A frozen perceptual distance between two image batches in [0,1] (NCHW), averaged over the batch.
/// Gradients flow into <c>pred</c> only through the frozen network.</summary>
public interface IPerceptualLoss : IDisposable
{
    /// <summary>One line for the run log: which network and weights are used.</summary>
    string Description { get; }

    Tensor Forward(Tensor pred, Tensor target);

    /// <summary>Moves the frozen network to a device.</summary>
    void MoveTo(Device device);
}
