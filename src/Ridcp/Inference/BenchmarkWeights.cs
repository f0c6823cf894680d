using Ridcp.Models;
using static TorchSharp.torch;

namespace Ridcp.Inference;

/// <summary>Seeded stand-in weights for timing the network without a checkpoint: fan-in scaled uniform conv and
/// linear weights, unit norm weights, small biases. The values only have to keep activations in a sane range
/// (timings do not depend on them); the DCN biases are centred on 0.1 for the reason the parity README gives
/// (the NFA step divides by the mean of the DCN output). Persistent buffers keep their computed values.</summary>
public static class BenchmarkWeights
{
    public static void Fill(VQWeightDehazeNet net, long seed = 20230618)
    {
        using var _ = no_grad();
        var gen = new Generator((ulong)seed);
        foreach (var (name, p) in net.named_parameters())
        {
            using var scope = NewDisposeScope();
            string last = name[(name.LastIndexOf('.') + 1)..];
            double center = 0, scale;
            if (name.EndsWith("embedding.weight")) scale = 1.0;
            else if (name == Dehazer.ChmWeightKey) (center, scale) = (0.005, 0.005);
            else if (name.EndsWith(".dcn.bias")) (center, scale) = (0.1, 0.02);
            else if (last == "bias") scale = 0.02;
            else if (p.ndim >= 2) scale = 1.0 / Math.Sqrt(p.shape.Skip(1).Aggregate(1L, (a, b) => a * b));
            else (center, scale) = (1.0, 0.1);
            var u = rand(p.shape, generator: gen, dtype: p.dtype);
            p.copy_(u.mul(2 * scale).add(center - scale));
        }
    }
}
