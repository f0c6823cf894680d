using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Ridcp.Bricks.Neighborhood;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of BasicLayer in basicsr/archs/network_swinir.py without downsampling: <c>blocks</c> = depth Swin
/// blocks, shift 0 on even and window/2 on odd positions, on [B, H, W, C]. With <see cref="EncoderAttention.Nat"/>
/// or <see cref="EncoderAttention.Dinat"/> the blocks are <see cref="NATransformerBlock"/>s instead (same positions,
/// so the keys keep the residual_group.blocks.N prefix; dilation per <see cref="DinatDilation"/>).</summary>
public sealed class BasicLayer : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks;

    public BasicLayer(int dim, int inputHeight, int inputWidth, int depth, int numHeads, int windowSize,
                      EncoderAttention attention = EncoderAttention.Swin, int natKernelSize = 7) : base(nameof(BasicLayer))
    {
        blocks = new ModuleList<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < depth; i++)
            blocks.Add(attention == EncoderAttention.Swin
                ? new SwinTransformerBlock(dim, inputHeight, inputWidth, numHeads, windowSize, i % 2 == 0 ? 0 : windowSize / 2)
                : new NATransformerBlock(dim, numHeads, natKernelSize,
                    DinatDilation.For(attention, i, natKernelSize, Math.Min(inputHeight, inputWidth))));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var block in blocks) x = block.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
