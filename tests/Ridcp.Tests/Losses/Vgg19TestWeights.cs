using Ridcp.Checkpoints;
using static TorchSharp.torch;

namespace Ridcp.Tests.Losses;

/// <summary>A VGG19 weights file in torchvision's layout (features.N.weight/bias) with seeded random weights, written
/// by the project's PyTorch zip writer: torchvision's real vgg19-dcbb9e9d.pth is not on this machine. Only the
/// convs up to conv4_4 (features.0 … features.25) are written, plus one later conv (features.28, conv5_1) that the
/// extractor must ignore. He-normal weights keep the activations at unit scale through twelve ReLU layers (PyTorch's
/// default conv init would shrink them ~2.5x per layer), and small positive biases keep every channel alive.</summary>
internal static class Vgg19TestWeights
{
    /// <summary>(feature index, in, out) of conv1_1 … conv4_4, then conv5_1.</summary>
    public static readonly (int Index, int In, int Out)[] Convs =
    [
        (0, 3, 64), (2, 64, 64), (5, 64, 128), (7, 128, 128),
        (10, 128, 256), (12, 256, 256), (14, 256, 256), (16, 256, 256),
        (19, 256, 512), (21, 512, 512), (23, 512, 512), (25, 512, 512),
        (28, 512, 512),
    ];

    /// <param name="drop">A key to leave out (a broken file).</param>
    /// <param name="reshape">A key written with a wrong shape (its first dimension halved).</param>
    public static string Write(string path, int seed, string? drop = null, string? reshape = null)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var sd = new List<KeyValuePair<string, Tensor>>();
        foreach (var (index, cin, cout) in Convs)
        {
            var w = randn([cout, cin, 3, 3], generator: g) * Math.Sqrt(2.0 / (cin * 9));
            var b = rand([cout], generator: g) * 0.05;
            sd.Add(new($"features.{index}.weight", w));
            sd.Add(new($"features.{index}.bias", b));
        }
        sd = sd.Where(kv => kv.Key != drop)
               .Select(kv => kv.Key == reshape ? new KeyValuePair<string, Tensor>(kv.Key, kv.Value.narrow(0, 0, kv.Value.shape[0] / 2).contiguous()) : kv)
               .ToList();
        CheckpointWriter.WriteStateDict(path, sd);
        return path;
    }
}
