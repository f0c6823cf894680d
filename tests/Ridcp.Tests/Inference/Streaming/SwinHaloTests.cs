using Ridcp.Bricks.Swin;
using TorchSharp;
using Ridcp.Inference.Streaming;
using Ridcp.Models;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>The Swin stage's halo (StreamedForward.SwinHalo): the rows a window-aligned stripe depends on through
/// shifted-window layers, walked back layer by layer. Enough, and no window too many.</summary>
public class SwinHaloTests
{
    /// <summary>Swin layers of the given geometry (random weights, few channels: the reach is the geometry's) on a
    /// latent map run in the smallest stripes (32 px) with <paramref name="haloPx"/>, against the whole map.</summary>
    static double StripesVersusWhole(int blocks, int depth, int latentRows, int haloPx)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        manual_seed(3);
        var swin = new SwinLayers(embedDim: 8, blkDepth: depth, numHeads: 2, windowSize: 8, numBlocks: blocks, inputHeight: 32, inputWidth: 32);
        swin.eval();
        var latent = randn(1, 8, latentRows, 16, generator: new Generator(4));
        var whole = swin.forward(latent);
        var striped = zeros_like(whole);
        const int scale = 4;   // latent grid of the bundled and official models (max_depth 2)
        var runner = new StripeRunner(latentRows * scale, 16 * scale, stripeBudgetBytes: 1, stages: 1, progress: null);
        runner.Run("Swin layers", [new TensorRows(latent, scale)], haloPx, bytesPerPixel: 1, outScale: scale,
                   w => swin.forward(w.Inputs[0]), (row, rows) => striped.narrow(2, row, rows.shape[2]).copy_(rows),
                   capBytes: 1, alignment: StripeRunner.StripeAlignment);
        return (striped - whole).abs().max().item<float>();
    }

    [Fact]
    public void Stripes_with_the_bundled_models_halo_give_the_whole_maps_rows_and_a_window_less_do_not()
    {
        var o = VQWeightDehazeNetOptions.OfficialLq with { SwinNumBlocks = 2, SwinBlkDepth = 2 };   // the bundled model's
        int halo = StreamedForward.SwinHalo(o);
        Assert.Equal(64, halo);   // a window per layer gave 128 px
        int latentRows = (2 * halo + 3 * StripeRunner.StripeAlignment) / 4;   // stripes whose halos the image does not clip
        // Float rounding only: the same windows and the same arithmetic, in different batch layouts.
        double enough = StripesVersusWhole(2, 2, latentRows, halo);
        double short_ = StripesVersusWhole(2, 2, latentRows, halo - StripeRunner.StripeAlignment);
        Assert.True(enough < 1e-5 && short_ > 1e-3, $"max |diff| {enough:g3} with the halo, {short_:g3} with a window less");
    }

    /// <summary>Latent rows above and below an aligned run of 8 rows in the middle of a whole map that those rows'
    /// outputs depend on: where the gradient is not zero. Structural, so it holds however small the far rows' share
    /// (through 24 layers with random weights it falls below float32's rounding, and no stripe comparison sees it).</summary>
    static (int Above, int Below) Dependence(int blocks, int depth)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var swin = new SwinLayers(embedDim: 8, blkDepth: depth, numHeads: 2, windowSize: 8, numBlocks: blocks, inputHeight: 32, inputWidth: 32);
        swin.to(ScalarType.Float64);
        int rows = 8 * (2 + 2 * 3 * blocks * depth / 2 + 2), a = rows / 2 / 8 * 8;
        var latent = randn(1, 8, rows, 16, dtype: ScalarType.Float64, generator: new Generator(6)).requires_grad_();
        swin.forward(latent).narrow(2, a, 8).sum().backward();
        var touched = latent.grad!.abs().sum([0, 1, 3]).ne(0).nonzero().flatten().data<long>().ToArray();
        return (a - (int)touched.Min(), (int)touched.Max() - (a + 7));
    }

    [Theory]
    [InlineData(2, 2, 64)]    // the bundled model
    [InlineData(4, 6, 384)]   // the official configuration (704 px before)
    public void The_halo_is_the_reach_of_the_layers_rounded_up_to_the_stripe_grid(int blocks, int depth, int expectedPx)
    {
        var o = VQWeightDehazeNetOptions.OfficialLq with { SwinNumBlocks = blocks, SwinBlkDepth = depth };
        int halo = StreamedForward.SwinHalo(o);
        Assert.Equal(expectedPx, halo);
        var (above, below) = Dependence(blocks, depth);
        int reachPx = 4 * Math.Max(above, below);   // latent rows to input pixels (max_depth 2)
        Assert.InRange(reachPx, halo - StripeRunner.StripeAlignment + 1, halo);
    }
}
