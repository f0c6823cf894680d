using Ridcp.Models;
using Ridcp.Tests.Parity;
using static TorchSharp.torch;

namespace Ridcp.Tests.Models;

/// <summary>The two nets of the parity fixtures with the deterministic weights of README section 1, built once
/// per test run (filling the LQ net's 29.5 M values takes a moment), in eval mode.</summary>
public static class ParityNets
{
    private static readonly Lazy<VQWeightDehazeNet> hq = new(() => Build(VQWeightDehazeNetOptions.OfficialHq));
    private static readonly Lazy<VQWeightDehazeNet> lq = new(() => Build(VQWeightDehazeNetOptions.OfficialLq));

    /// <summary>manifest_hq.json: VQWeightDehazeNet(codebook_params=[[64,1024,512]], LQ_stage=False).</summary>
    public static VQWeightDehazeNet Hq => hq.Value;

    /// <summary>manifest_lq.json: LQ_stage=True, use_weight=True, weight_alpha=-21.25.</summary>
    public static VQWeightDehazeNet Lq => lq.Value;

    public static VQWeightDehazeNet Build(VQWeightDehazeNetOptions options)
    {
        var net = new VQWeightDehazeNet(options);
        DeterministicWeights.Fill(net);
        net.eval();
        return net;
    }

    public static Tensor Npy(string file) => DeterministicWeights.LoadNpy(file);

    /// <summary>Max |a - b| after checking that the shapes agree.</summary>
    public static double MaxAbsDiff(Tensor actual, Tensor expected)
    {
        Xunit.Assert.Equal(expected.shape, actual.shape);
        using var _ = NewDisposeScope();
        return (actual.to(float64) - expected.to(float64)).abs().max().item<double>();
    }

    /// <summary>Same shape and every element equal (TorchSharp's Tensor.equal is elementwise).</summary>
    public static bool BitEqual(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var _ = NewDisposeScope();
        return a.eq(b).all().item<bool>();
    }

    public static void AssertIndicesEqual(Tensor expected, Tensor actual)
    {
        Xunit.Assert.Equal(expected.shape, actual.shape);
        using var _ = NewDisposeScope();
        long differing = expected.ne(actual).sum().item<long>();
        Xunit.Assert.True(differing == 0, $"{differing} of {expected.numel()} VQ indices differ");
    }
}
