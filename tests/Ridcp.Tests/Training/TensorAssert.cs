namespace Ridcp.Tests.Training;

internal static class TensorAssert
{
    /// <summary>Bit-identical: same shape and every element equal.</summary>
    public static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();
}
