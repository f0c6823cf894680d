using System.Diagnostics;
using Ridcp.Bricks.Swin;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Neighborhood;

/// <summary>Wall-clock timing of one transformer block of RIDCP's encoder, Swin against NAT / DiNAT at equal width,
/// on a random latent [1, size, size, dim], inference mode; plus a plain GEMM of the same arithmetic as the
/// attention core (q·k and a·v over k² neighbours), which bounds what a fused NA kernel could reach on this machine.
/// For `ridcp bench attention`. Not a test.</summary>
public static class AttentionBenchmark
{
    /// <param name="Macs">Multiply-accumulates of one forward (attention core plus the linear layers).</param>
    public sealed record Row(string Name, double[] Seconds, double Macs)
    {
        public double Best => Seconds.Min();
    }

    public static IReadOnlyList<Row> Run(int size, int dim, int heads, int windowSize, int kernelSize, int dilation, int repeats, Device? device = null)
    {
        if (size < 1 || dim < 1 || heads < 1 || repeats < 1) throw new ArgumentException("size, dim, heads and runs must be positive");
        if (dim % heads != 0) throw new ArgumentException($"dim {dim} is not divisible by {heads} heads");
        device ??= CPU;
        // As dehazing and training do: without it every large gather buffer is a fresh mmap the kernel faults in and
        // zeroes, which made NA look ~10x slower here than it is inside the network (docs/nat-ablation.md).
        Ridcp.Core.NativeHeap.KeepFreedMemory();
        int swinSize = (size + windowSize - 1) / windowSize * windowSize;   // Swin needs whole windows
        double tokens = (double)size * size, linear = 12.0 * dim * dim;   // qkv 3C², proj C², MLP 8C² per token
        var rows = new List<Row>
        {
            Time($"swin block (window {windowSize}, shifted, {swinSize}x{swinSize})",
                 () => new SwinTransformerBlock(dim, swinSize, swinSize, heads, windowSize, windowSize / 2), swinSize, dim, repeats, device,
                 (double)swinSize * swinSize * (linear + 2.0 * windowSize * windowSize * dim)),
            Time($"nat block (k {kernelSize})", () => new NATransformerBlock(dim, heads, kernelSize, 1), size, dim, repeats, device,
                 tokens * (linear + 2.0 * kernelSize * kernelSize * dim)),
            Time($"dinat block (k {kernelSize}, dilation {dilation})", () => new NATransformerBlock(dim, heads, kernelSize, dilation), size, dim, repeats, device,
                 tokens * (linear + 2.0 * kernelSize * kernelSize * dim)),
            Time($"na attention alone (k {kernelSize})", () => new NeighborhoodAttention2D(dim, heads, kernelSize), size, dim, repeats, device,
                 tokens * (4.0 * dim * dim + 2.0 * kernelSize * kernelSize * dim)),
        };
        rows.Add(Gemm(tokens, dim, kernelSize, repeats, device));
        return rows;
    }

    private static Row Time(string name, Func<nn.Module<Tensor, Tensor>> build, int size, int dim, int repeats, Device device, double macs)
    {
        manual_seed(0);
        using var block = build();
        block.to(device).eval();
        using var noGrad = no_grad();
        using var x = randn([1, size, size, dim], device: device);
        return new Row(name, Repeat(repeats, () => block.forward(x)), macs);
    }

    /// <summary>The arithmetic of <see cref="NeighborhoodAttention2D"/> (qkv and proj, 4·C² MACs per token, plus the
    /// core's 2·k²·C) as dense matmuls with the shapes a fused kernel works on, minus the neighbourhood gathers: what
    /// NA would cost here with no memory overhead.</summary>
    private static Row Gemm(double tokens, int dim, int k, int repeats, Device device)
    {
        long n = (long)tokens, kk = (long)k * k;
        using var noGrad = no_grad();
        using var x = randn([n, dim], device: device);
        using var linear = randn([dim, 4L * dim], device: device) * 0.05;
        using var keys = randn([kk, dim], device: device);
        return new Row("dense gemm, same MACs (bound for a fused NA kernel)",
            Repeat(repeats, () => matmul(matmul(matmul(x, linear).narrow(1, 0, dim).unsqueeze(1), keys.t()).softmax(-1), keys)),
            tokens * (4.0 * dim * dim + 2.0 * kk * dim));
    }

    private static double[] Repeat(int repeats, Func<Tensor> run)
    {
        var seconds = new double[repeats];
        for (int r = -1; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            _ = run().sum().item<float>();   // synchronises a GPU as well
            if (r >= 0) seconds[r] = watch.Elapsed.TotalSeconds;
        }
        return seconds;
    }
}
