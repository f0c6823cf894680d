using TorchSharp;
using Ridcp.Bricks.Swin;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Swin;

/// <summary>Behaviour of the Swin bricks beyond the parity fixture, on a small configuration.</summary>
public class SwinLayersTests
{
    /// <summary>Same float32 kernels on the same data; only batching differs, so only summation order can (~1e-6).</summary>
    private const double SameComputation = 1e-5;

    /// <summary>float32 against float64 through this small random net (outputs |x| &lt; 6): README section 7 puts the
    /// float32 noise of the full RSTB at ~1e-6 and allows 5e-5 for swin outputs; the same bound is used here.</summary>
    private const double Float32Rounding = ParityTolerances.SwinOutput;

    private static SwinLayers Small(int inputHeight, int inputWidth, long seed)
    {
        manual_seed(seed);
        var swin = new SwinLayers(embedDim: 32, blkDepth: 2, numHeads: 2, windowSize: 8, numBlocks: 2, inputHeight: inputHeight, inputWidth: inputWidth);
        using (no_grad())
            foreach (var (name, p) in swin.named_parameters())
                if (name.EndsWith("relative_position_bias_table")) p.normal_(0, 0.5);   // make the bias matter
        swin.eval();
        return swin;
    }

    [Fact]
    public void Images_in_a_batch_are_processed_independently_with_recomputed_masks()
    {
        using var scope = NewDisposeScope();
        using var swin = Small(32, 32, seed: 1);
        var a = randn(1, 32, 16, 24);
        var b = randn(1, 32, 16, 24);
        using var noGrad = no_grad();
        var both = swin.forward(cat([a, b], 0));
        Assert.True(TensorDiff.MaxAbs(both.narrow(0, 0, 1), swin.forward(a)) <= SameComputation);
        Assert.True(TensorDiff.MaxAbs(both.narrow(0, 1, 1), swin.forward(b)) <= SameComputation);
    }

    [Fact]
    public void Stored_mask_at_the_construction_size_and_recomputed_mask_give_the_same_output()
    {
        using var scope = NewDisposeScope();
        using var builtFor16x24 = Small(16, 24, seed: 2);
        using var builtFor32x32 = Small(32, 32, seed: 2);
        builtFor32x32.load_state_dict(builtFor16x24.state_dict()
            .Where(kv => !kv.Key.EndsWith("attn_mask")).ToDictionary(kv => kv.Key, kv => kv.Value), strict: false);
        var x = randn(1, 32, 16, 24);
        using var noGrad = no_grad();
        Assert.True(TensorDiff.MaxAbs(builtFor16x24.forward(x), builtFor32x32.forward(x)) <= SameComputation);
    }

    [Fact]
    public void Gradients_reach_every_parameter_including_the_bias_table()
    {
        using var scope = NewDisposeScope();
        using var swin = Small(32, 32, seed: 4);
        swin.train();
        var y = swin.forward(randn(1, 32, 16, 16));
        y.square().mean().backward();
        foreach (var (name, p) in swin.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"no gradient for {name}");
        }
    }

    [Fact]
    public void Converted_to_float64_it_still_runs_and_agrees_with_float32()
    {
        using var scope = NewDisposeScope();
        using var swin = Small(32, 32, seed: 6);
        var x = randn(1, 32, 16, 24);
        using var noGrad = no_grad();
        var single = swin.forward(x);
        swin.to(ScalarType.Float64);
        var twice = swin.forward(x.to(ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, twice.dtype);
        double diff = TensorDiff.MaxAbs(single, twice);
        Assert.True(diff <= Float32Rounding, $"float32 vs float64 max abs diff {diff:e3}");
    }

    [Fact]
    public void Sizes_that_are_not_window_multiples_are_rejected()
    {
        using var scope = NewDisposeScope();
        using var swin = Small(32, 32, seed: 5);
        using var noGrad = no_grad();
        var ex = Assert.Throws<ArgumentException>(() => swin.forward(randn(1, 32, 20, 24)));
        Assert.Contains("multiples of 8", ex.Message);
    }

    [Fact]
    public void Window_larger_than_the_construction_size_is_clamped_and_not_shifted_like_the_official_block()
    {
        using var block = new SwinTransformerBlock(32, 4, 6, numHeads: 2, windowSize: 8, shiftSize: 4);
        Assert.Equal(4, block.WindowSize);
        Assert.Equal(0, block.ShiftSize);
        Assert.DoesNotContain(block.state_dict().Keys, k => k == "attn_mask");
    }
}
