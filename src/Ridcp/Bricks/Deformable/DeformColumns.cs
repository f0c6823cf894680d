using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Chooses the evaluation of a deformable convolution: the fused sampler where it applies (single
/// channels-last float32 or bf16 image, no gradient, CPU), else grid_sample, which covers every case and carries
/// gradients.</summary>
internal static class DeformColumns
{
    public static IDeformColumns For(Tensor input, Tensor weight, DeformGeometry geometry, bool needsGrad) =>
        !needsGrad && ChannelsLastColumns.Supports(input, weight, geometry)
            ? new ChannelsLastColumns(input, weight, geometry)
            : new GridSampleColumns(input, weight, geometry, needsGrad);
}
