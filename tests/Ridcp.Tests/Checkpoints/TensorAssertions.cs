using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

public static class TensorAssertions
{
    /// <summary>Same shape and bitwise-equal values (no broadcasting, no tolerance).</summary>
    public static bool SameAs(this Tensor actual, Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape)) return false;
        using var eq = actual.eq(expected);
        using var all = eq.all();
        return all.item<bool>();
    }
}
