using Ridcp.Bricks.Deformable;
using Ridcp.Core;
using Ridcp.Tests.Inference;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Bricks.Deformable;

/// <summary>The fused sampler (<see cref="ChannelsLastColumns"/>) against float64 arithmetic on the same values,
/// side by side with the grid_sample path it replaces in inference, in bf16 and float32.</summary>
public class ChannelsLastColumnsTests(ITestOutputHelper output)
{
    /// <summary>Both paths round the columns to bf16 once and run the same bf16 matmul; the fused one computes
    /// positions and weights without grid_sample's normalisation round trip and folds the mask into the weights,
    /// float32 differences that change a column's bf16 rounding now and then. So its error against float64 must be
    /// that of the grid_sample path up to such flips: a quarter more at the worst value, a tenth more on average.</summary>
    private const double WorstErrorMargin = 1.25, MeanErrorMargin = 1.1;

    private const int Channels = 32, Groups = 4, Height = 11, Width = 13, OutChannels = 16;

    [Bf16Fact]
    public void Fused_bf16_columns_are_as_accurate_as_grid_sample_columns_with_samples_across_the_borders()
    {
        using var scope = NewDisposeScope();
        var ((fusedWorst, fusedMean), (gridWorst, gridMean)) = ErrorsAgainstFloat64(ScalarType.BFloat16);
        Assert.True(fusedWorst <= WorstErrorMargin * gridWorst, $"fused max error {fusedWorst:e3} vs grid_sample {gridWorst:e3}");
        Assert.True(fusedMean <= MeanErrorMargin * gridMean, $"fused mean error {fusedMean:e3} vs grid_sample {gridMean:e3}");
    }

    /// <summary>In float32 both paths keep every value in float32; they differ by the rounding of positions and
    /// weights (grid_sample's normalisation round trip, the mask folded into the weights): float32 ulps of values
    /// |output| &lt; 2, so 1e-5 at the worst value is a thousand times what a wrong neighbour or weight would cost.</summary>
    private const double Float32Worst = 1e-5;

    [Fact]
    public void Fused_float32_columns_match_float64_with_samples_across_the_borders()
    {
        using var scope = NewDisposeScope();
        var ((fusedWorst, fusedMean), (_, gridMean)) = ErrorsAgainstFloat64(ScalarType.Float32);
        Assert.True(fusedWorst < Float32Worst, $"fused max error {fusedWorst:e3}");
        Assert.True(fusedMean <= MeanErrorMargin * gridMean + 1e-9, $"fused mean error {fusedMean:e3} vs grid_sample {gridMean:e3}");
    }

    /// <summary>The fused and the grid_sample evaluations of <paramref name="type"/> inputs against float64 arithmetic on
    /// the same values: (max, mean) absolute errors of each.</summary>
    private ((double Worst, double Mean) Fused, (double Worst, double Mean) GridSample) ErrorsAgainstFloat64(ScalarType type)
    {
        using var _ = no_grad();
        var (x, offset, mask, weight, bias) = Inputs(type);
        var geometry = new DeformGeometry(DeformShape.Of(x, weight, bias, 1, 1, 1, Groups), 1, 1, 1, Groups);
        Assert.True(ChannelsLastColumns.Supports(x, weight, geometry));
        var exact = ModulatedDeformConv.Apply(x.to(ScalarType.Float64), offset.to(ScalarType.Float64), mask.to(ScalarType.Float64),
                                              weight.to(ScalarType.Float64), bias.to(ScalarType.Float64), 1, 1, 1, Groups);
        var fused = Errors(Run(new ChannelsLastColumns(x, weight, geometry), offset, mask, bias), exact);
        var gridSample = Errors(Run(new GridSampleColumns(x, weight, geometry, needsGrad: false), offset, mask, bias), exact);
        output.WriteLine($"{type} against float64: fused max {fused.Worst:e3} mean {fused.Mean:e3}; grid_sample max {gridSample.Worst:e3} mean {gridSample.Mean:e3}; |output| up to {exact.abs().max().item<double>():F2}");
        return (fused, gridSample);
    }

    [Bf16Fact]
    public void Bf16_samples_entirely_outside_the_image_leave_only_the_bias() => OutsideSamplesLeaveOnlyTheBias(ScalarType.BFloat16);

    [Fact]
    public void Float32_samples_entirely_outside_the_image_leave_only_the_bias() => OutsideSamplesLeaveOnlyTheBias(ScalarType.Float32);

    private static void OutsideSamplesLeaveOnlyTheBias(ScalarType type)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x, offset, mask, weight, bias) = Inputs(type);
        var geometry = new DeformGeometry(DeformShape.Of(x, weight, bias, 1, 1, 1, Groups), 1, 1, 1, Groups);
        var farAway = full_like(offset, 1000);
        var result = Run(new ChannelsLastColumns(x, weight, geometry), farAway, mask, bias);
        Assert.Equal(0.0, TensorDiff.MaxAbs(result, bias.view(1, -1, 1, 1).expand_as(result)));
    }

    /// <summary>The sampler's own float32 sigmoid of the logits against float32 masks made by LibTorch's sigmoid: the two
    /// sigmoids differ by float32 ulps, which can move a column across a bf16 rounding boundary now and then and the
    /// output by one bf16 step (2^-8 relative to |output| &lt; 2); on average far less. Measured: identical outputs.</summary>
    private const double SigmoidWorst = 2.0 / 256, SigmoidMean = 1e-4;

    [Bf16Fact]
    public void Mask_logits_are_turned_into_the_sigmoid_masks()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (x, offset, _, weight, bias) = Inputs();
        var logits = randn(1, Groups * 9, Height, Width, generator: new TorchSharp.torch.Generator(3)).mul(3).to(ScalarType.BFloat16);
        var geometry = new DeformGeometry(DeformShape.Of(x, weight, bias, 1, 1, 1, Groups), 1, 1, 1, Groups);

        var fromLogits = Run(new ChannelsLastColumns(x, weight, geometry), offset, logits, bias, maskLogits: true);
        var fromMasks = Run(new ChannelsLastColumns(x, weight, geometry), offset, logits.to(ScalarType.Float32).sigmoid(), bias);
        double worst = TensorDiff.MaxAbs(fromLogits, fromMasks), mean = (fromLogits - fromMasks).abs().mean().item<double>();
        output.WriteLine($"fused, logits vs float32 sigmoid masks: max {worst:e3}, mean {mean:e3}");
        Assert.True(worst <= SigmoidWorst && mean <= SigmoidMean, $"max {worst:e3}, mean {mean:e3}");

        var gridLogits = Run(new GridSampleColumns(x, weight, geometry, needsGrad: false), offset, logits, bias, maskLogits: true);
        var gridMasks = Run(new GridSampleColumns(x, weight, geometry, needsGrad: false), offset, logits.sigmoid(), bias);
        Assert.Equal(0.0, TensorDiff.MaxAbs(gridLogits, gridMasks));
    }

    [Bf16Fact]
    public void The_fused_sampler_serves_channels_last_inference_only()
    {
        using var scope = NewDisposeScope();
        var (x, _, _, weight, bias) = Inputs();
        var geometry = new DeformGeometry(DeformShape.Of(x, weight, bias, 1, 1, 1, Groups), 1, 1, 1, Groups);
        Assert.IsType<ChannelsLastColumns>(DeformColumns.For(x, weight, geometry, needsGrad: false));
        Assert.IsType<ChannelsLastColumns>(DeformColumns.For(x.to(ScalarType.Float32), weight.to(ScalarType.Float32), geometry, needsGrad: false));
        Assert.IsType<GridSampleColumns>(DeformColumns.For(x, weight, geometry, needsGrad: true));
        Assert.IsType<GridSampleColumns>(DeformColumns.For(x.contiguous(), weight, geometry, needsGrad: false));   // NCHW
        Assert.IsType<GridSampleColumns>(DeformColumns.For(x, weight.to(ScalarType.Float32), geometry, needsGrad: false));   // mixed types
    }

    private static Tensor Run(IDeformColumns columns, Tensor offset, Tensor mask, Tensor bias, bool maskLogits = false) =>
        ModulatedDeformConv.ConvolveRows(columns, offset, mask, bias, 0, needsGrad: false, workingSetBytes: 1, maskLogits: maskLogits)
            .to(ScalarType.Float64);

    private static (double Worst, double Mean) Errors(Tensor actual, Tensor exact)
    {
        var diff = (actual - exact).abs();
        return (diff.max().item<double>(), diff.mean().item<double>());
    }

    /// <summary>A channels-last map (bf16 unless said); offsets up to 3 px, a fifth of them whole pixels (samples
    /// exactly on pixels and on the -1 / H borders), so that samples fall between pixels, on them and outside the image.</summary>
    private static (Tensor X, Tensor Offset, Tensor Mask, Tensor Weight, Tensor Bias) Inputs(ScalarType type = ScalarType.BFloat16)
    {
        var g = new TorchSharp.torch.Generator(21);
        var x = randn(1, Height, Width, Channels, generator: g).to(ScalarType.BFloat16).permute(0, 3, 1, 2);   // channels-last
        var offset = rand(1, 2 * Groups * 9, Height, Width, generator: g).mul(6).sub(3);
        var whole = rand(offset.shape, generator: g).lt(0.2);
        offset = where(whole, offset.round(), offset).to(ScalarType.BFloat16);
        var mask = rand(1, Groups * 9, Height, Width, generator: g).to(ScalarType.BFloat16);
        var weight = rand(OutChannels, Channels, 3, 3, generator: g).sub(0.5).div(10).to(ScalarType.BFloat16);
        var bias = rand(OutChannels, generator: g).sub(0.5).to(ScalarType.BFloat16);
        return (x.to(type), offset.to(type), mask.to(type), weight.to(type), bias.to(type));
    }
}
