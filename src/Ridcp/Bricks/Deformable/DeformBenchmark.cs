using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Wall-clock timing of one <see cref="ModulatedDeformConv.Apply(Tensor, Tensor, Tensor, Tensor, Tensor?, int, int, int, int)"/>
/// (3x3, 4 deformable groups, random offsets within +-2 px and masks) as RIDCP's last WarpBlock runs it, for a
/// benchmark command. Not a test.</summary>
public static class DeformBenchmark
{
    /// <summary>Seconds of each of <paramref name="repeats"/> timed calls (after one warm-up), inference mode.</summary>
    public static double[] Run(int channels = 64, int height = 384, int width = 512, int repeats = 3, Device? device = null)
    {
        device ??= CPU;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = randn([1, channels, height, width], device: device);
        var offset = rand([1, 4 * 18, height, width], device: device).mul_(4).sub_(2);
        var mask = rand([1, 4 * 9, height, width], device: device);
        var weight = randn([channels, channels, 3, 3], device: device).mul_(1.0 / Math.Sqrt(channels * 9));
        var bias = zeros([channels], device: device);
        var seconds = new double[repeats];
        for (int r = -1; r < repeats; r++)
        {
            using var inner = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            var y = ModulatedDeformConv.Apply(x, offset, mask, weight, bias, 1, 1, 1, 4);
            _ = y.sum().item<float>();
            if (r >= 0) seconds[r] = watch.Elapsed.TotalSeconds;
        }
        return seconds;
    }
}
