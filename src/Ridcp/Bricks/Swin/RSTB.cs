using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of RSTB (residual Swin Transformer block) in basicsr/archs/network_swinir.py with patch_size 1 and
/// resi_connection '1conv': out = conv3x3(residual_group(x) as NCHW) + x. Patch embed / unembed are plain reshapes
/// without parameters at patch size 1 and no norm, so they are not modules here (the manifest has no keys for
/// them). Works on channel-last maps [B, H, W, C].</summary>
public sealed class RSTB : nn.Module<Tensor, Tensor>
{
    private readonly BasicLayer residual_group;
    private readonly Conv2d conv;

    public RSTB(int dim, int inputHeight, int inputWidth, int depth, int numHeads, int windowSize,
                EncoderAttention attention = EncoderAttention.Swin, int natKernelSize = 7) : base(nameof(RSTB))
    {
        residual_group = new BasicLayer(dim, inputHeight, inputWidth, depth, numHeads, windowSize, attention, natKernelSize);
        conv = nn.Conv2d(dim, dim, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var grouped = residual_group.forward(x).permute(0, 3, 1, 2);      // [B, C, H, W] view
        var convolved = conv.forward(grouped).permute(0, 2, 3, 1);        // back to [B, H, W, C]
        return (convolved + x).MoveToOuterDisposeScope();
    }
}
