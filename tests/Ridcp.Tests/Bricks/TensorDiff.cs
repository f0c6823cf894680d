using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks;

internal static class TensorDiff
{
    /// <summary>max |a - b| in double, after checking that the shapes agree.</summary>
    public static double MaxAbs(Tensor a, Tensor b)
    {
        Xunit.Assert.Equal(b.shape, a.shape);
        using var d = a.to(ScalarType.Float64).sub(b.to(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }
}
