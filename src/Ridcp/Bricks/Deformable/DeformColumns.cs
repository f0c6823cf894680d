using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Chooses the evaluation of a deformable convolution: the fused bf16 sampler where it applies (single
/// channels-last bf16 image, no gradient, CPU), else grid_sample, which covers every case and carries gradients.</summary>
internal static class DeformColumns
{
    public static IDeformColumns For(Tensor input, Tensor weight, DeformGeometry geometry, bool needsGrad) =>
        !needsGrad && ChannelsLastBf16Columns.Supports(input, weight, geometry)
            ? new ChannelsLastBf16Columns(input, weight, geometry)
            : new GridSampleColumns(input, weight, geometry, needsGrad);
}
