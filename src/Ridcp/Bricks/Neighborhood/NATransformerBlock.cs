using Ridcp.Bricks.Swin;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Neighborhood;

/// <summary>NATLayer of the NAT / DiNAT papers (SHI-Labs Neighborhood-Attention-Transformer, classification/nat.py) on
/// channel-last maps [B, H, W, C]: x = x + attn(norm1(x)); x = x + mlp(norm2(x)). The drop-in for a
/// <see cref="SwinTransformerBlock"/> in RIDCP's encoder: same LayerNorms (eps 1e-5) and MLP (ratio 4), but no
/// window partition, no shift and no attention mask; any map size works.</summary>
public sealed class NATransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly NeighborhoodAttention2D attn;
    private readonly LayerNorm norm2;
    private readonly SwinMlp mlp;

    public int Dilation => attn.Dilation;

    public NATransformerBlock(int dim, int numHeads, int kernelSize, int dilation, double mlpRatio = 4.0) : base(nameof(NATransformerBlock))
    {
        norm1 = SwinTransformerBlock.LayerNormWithDefaults(dim);
        attn = new NeighborhoodAttention2D(dim, numHeads, kernelSize, dilation);
        norm2 = SwinTransformerBlock.LayerNormWithDefaults(dim);
        mlp = new SwinMlp(dim, (long)(dim * mlpRatio));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = x + attn.forward(norm1.forward(x));
        var update = mlp.forward(norm2.forward(y));
        // In place only without autograd: LayerNorm's backward needs y unchanged.
        return (is_grad_enabled() ? y + update : y.add_(update)).MoveToOuterDisposeScope();
    }
}
