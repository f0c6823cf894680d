using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Wall-clock timing of one <see cref="SwinLayers"/> forward (official configuration: 256 channels, 4 RSTB x
/// 6 blocks, 8 heads, window 8) on a random latent, for a benchmark command. Not a test.</summary>
public static class SwinBenchmark
{
    /// <summary>Seconds of each of <paramref name="repeats"/> timed forwards (after one warm-up), inference mode.</summary>
    public static double[] Run(int height = 24, int width = 32, int repeats = 3, Device? device = null)
    {
        device ??= CPU;
        using var swin = new SwinLayers();
        swin.to(device).eval();
        using var noGrad = no_grad();
        using var x = randn([1, 256, height, width], device: device);
        var seconds = new double[repeats];
        for (int r = -1; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            var y = swin.forward(x);
            _ = y.sum().item<float>();   // synchronises a GPU as well
            if (r >= 0) seconds[r] = watch.Elapsed.TotalSeconds;
        }
        return seconds;
    }
}
