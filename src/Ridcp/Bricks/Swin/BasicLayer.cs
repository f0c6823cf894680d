using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of BasicLayer in basicsr/archs/network_swinir.py without downsampling: <c>blocks</c> = depth Swin
/// blocks, shift 0 on even and window/2 on odd positions, on [B, H, W, C].</summary>
public sealed class BasicLayer : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<SwinTransformerBlock> blocks;

    public BasicLayer(int dim, int inputHeight, int inputWidth, int depth, int numHeads, int windowSize) : base(nameof(BasicLayer))
    {
        blocks = new ModuleList<SwinTransformerBlock>();
        for (int i = 0; i < depth; i++)
            blocks.Add(new SwinTransformerBlock(dim, inputHeight, inputWidth, numHeads, windowSize, i % 2 == 0 ? 0 : windowSize / 2));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        foreach (var block in blocks) x = block.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
