using Ridcp.Bricks.Deformable;
using TorchSharp;
using Ridcp.Core;
using Ridcp.Tests.Inference;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Deformable;

/// <summary>The warp block's banded inference (<see cref="WarpBlock.ForwardInBands"/>) against its whole-image
/// forward, on maps of odd height with bands of 1 to 5 rows, so that every band's halo logic runs: bands touching
/// the top and the bottom border, a last band shorter than the others, bands thinner than the halo.</summary>
public class WarpBlockBandTests(ITestOutputHelper output)
{
    /// <summary>float64 convolutions and sampling do not depend on how the rows are split (no oneDNN kernels, the
    /// same per-pixel sums): only a halo error could make a difference, and it would be of the order of the values.</summary>
    private const double Float64Agreement = 1e-12;

    /// <summary>float32 in channels-last order (the CPU inference layout): oneDNN may sum a band's convs in another
    /// order than the whole image's (float32 ulps), carried through the offsets into the bilinear weights; the parity
    /// tests' tolerance for warp outputs of |x| &lt; 1 (these reach 0.7). Measured: 9e-8.</summary>
    private const double Float32Agreement = ParityTolerances.DeformOutput;

    private const int Channels = 16, Height = 13, Width = 11;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(40)]
    public void Bands_of_any_height_give_the_whole_image_output_in_float64(int bandRows)
    {
        using var scope = NewDisposeScope();
        using var warp = DeformingWarpBlock(ScalarType.Float64);
        var (xVq, xResidual) = Inputs(ScalarType.Float64);
        using var _ = no_grad();
        double diff = TensorDiff.MaxAbs(warp.ForwardInBands(xVq, xResidual, bandRows), warp.ForwardWhole(xVq, xResidual));
        output.WriteLine($"{bandRows} rows per band: max abs diff {diff:e3}");
        Assert.True(diff <= Float64Agreement, $"max abs diff {diff:e3}");
    }

    [Fact]
    public void Bands_in_channels_last_float32_give_the_whole_image_output_and_keep_the_memory_order()
    {
        using var scope = NewDisposeScope();
        using var warp = DeformingWarpBlock(ScalarType.Float32);
        var (xVq, xResidual) = Inputs(ScalarType.Float32);
        using var _ = no_grad();
        xVq = ChannelsLast.ForInference(xVq);
        xResidual = ChannelsLast.ForInference(xResidual);
        var whole = warp.ForwardWhole(xVq, xResidual);
        foreach (int bandRows in new[] { 1, 4, 5, Height })
        {
            var banded = warp.ForwardInBands(xVq, xResidual, bandRows);
            double diff = TensorDiff.MaxAbs(banded, whole);
            output.WriteLine($"{bandRows} rows per band: max abs diff {diff:e3} (|output| up to {whole.abs().max().item<float>():F2})");
            Assert.True(diff <= Float32Agreement, $"{bandRows} rows per band: max abs diff {diff:e3}");
            Assert.True(ChannelsLast.Is(banded), "the banded output should have x_vq's channels-last order");
        }
    }

    [Fact]
    public void Inference_forward_runs_in_bands_and_training_forward_on_the_whole_image()
    {
        using var scope = NewDisposeScope();
        using var warp = DeformingWarpBlock(ScalarType.Float64);
        var (xVq, xResidual) = Inputs(ScalarType.Float64);
        var training = warp.forward(xVq, xResidual);
        Assert.True(training.requires_grad, "with a gradient the whole-image path keeps the autograd graph");
        using var _ = no_grad();
        var inference = warp.forward(xVq, xResidual);
        Assert.True(TensorDiff.MaxAbs(inference, training.detach()) <= Float64Agreement);
    }

    /// <summary>bf16 rounds conv outputs to 8 bits: a band's different summation order can move an offset by one
    /// bf16 ulp (up to 2^-8 relative at |offset| ~ 4 px: 0.016 px), and the output by that times the map's gradient;
    /// mean differences stay far below. Bounds: 1/16 of the output range at most anywhere, mean 1e-3.</summary>
    [Bf16Fact]
    public void Bands_in_bf16_stay_within_bf16_rounding_of_the_whole_image_output()
    {
        using var scope = NewDisposeScope();
        using var warp = DeformingWarpBlock(ScalarType.BFloat16);
        var (xVq, xResidual) = Inputs(ScalarType.BFloat16);
        using var _ = no_grad();
        xVq = ChannelsLast.ForInference(xVq);
        xResidual = ChannelsLast.ForInference(xResidual);
        var whole = warp.ForwardWhole(xVq, xResidual).to(ScalarType.Float32);
        var banded = warp.ForwardInBands(xVq, xResidual, 3).to(ScalarType.Float32);
        double range = whole.abs().max().item<float>();
        double maxDiff = TensorDiff.MaxAbs(banded, whole), meanDiff = (banded - whole).abs().mean().item<float>();
        output.WriteLine($"bf16, 3 rows per band: max abs diff {maxDiff:e3}, mean {meanDiff:e3}, |output| up to {range:F2}");
        Assert.True(maxDiff <= range / 16, $"max abs diff {maxDiff:e3}");
        Assert.True(meanDiff <= 1e-3, $"mean abs diff {meanDiff:e3}");
    }

    /// <summary>A warp block whose conv_offset is not zero (its initialisation), so that offsets reach a few pixels
    /// and samples land across band borders and outside the image.</summary>
    private static WarpBlock DeformingWarpBlock(ScalarType dtype)
    {
        manual_seed(5);
        var warp = new WarpBlock(Channels);
        using (no_grad())
            foreach (var (name, p) in warp.named_parameters())
                if (name.StartsWith("dcn.conv_offset")) p.uniform_(-0.15, 0.15);
        warp.to(dtype);
        return warp;
    }

    private static (Tensor XVq, Tensor XResidual) Inputs(ScalarType dtype)
    {
        var g = new TorchSharp.torch.Generator(6);
        return (randn(1, Channels, Height, Width, generator: g).to(dtype), randn(1, Channels, Height, Width, generator: g).to(dtype));
    }
}
