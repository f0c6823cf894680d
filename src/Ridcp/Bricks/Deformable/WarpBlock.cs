using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Port of WarpBlock in basicsr/archs/dehaze_vq_weight_arch.py: aligns the VQ-branch features to the
/// residual branch. feat = offset(cat([x_vq, x_residual], 1)) with offset = Conv2d(2c, c, 3, 1, 1); then
/// dcn(x_vq, feat) with dcn = DCNv2Pack(c, c, 3, padding 1, 4 deformable groups).</summary>
public sealed class WarpBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Conv2d offset;
    private readonly DCNv2Pack dcn;

    public WarpBlock(int channels) : base(nameof(WarpBlock))
    {
        offset = nn.Conv2d(channels * 2, channels, 3, stride: 1, padding: 1);
        dcn = new DCNv2Pack(channels, channels, 3, padding: 1, deformableGroups: 4);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x_vq, Tensor x_residual)
    {
        using var scope = NewDisposeScope();
        var feat = OffsetFeature(x_vq, x_residual);
        return dcn.forward(x_vq, feat).MoveToOuterDisposeScope();
    }

    /// <summary>The output of the <c>offset</c> conv: the DCN's source of offsets and masks.</summary>
    public Tensor OffsetFeature(Tensor x_vq, Tensor x_residual)
    {
        using var scope = NewDisposeScope();
        return offset.forward(cat([x_vq, x_residual], 1)).MoveToOuterDisposeScope();
    }
}
