using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of SwinLayers in basicsr/archs/dehaze_vq_weight_arch.py (RIDCP's LQ encoder tail,
/// <c>multiscale_encoder.blocks.2</c>): <c>swin_blks</c> = numBlocks RSTBs in a row (official: 4, each 6 blocks,
/// 8 heads, window 8, built for 32 x 32). Input and output NCHW [B, C, H, W]; H and W must be multiples of the
/// window; other sizes than the construction size recompute the shifted-window masks. With neighborhood attention
/// (<see cref="EncoderAttention"/>) the same container holds NA blocks, which take any size.</summary>
public sealed class SwinLayers : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<RSTB> swin_blks;

    public SwinLayers(int embedDim = 256, int blkDepth = 6, int numHeads = 8, int windowSize = 8, int numBlocks = 4,
                      int inputHeight = 32, int inputWidth = 32,
                      EncoderAttention attention = EncoderAttention.Swin, int natKernelSize = 7) : base(nameof(SwinLayers))
    {
        swin_blks = new ModuleList<RSTB>();
        for (int i = 0; i < numBlocks; i++)
            swin_blks.Add(new RSTB(embedDim, inputHeight, inputWidth, blkDepth, numHeads, windowSize, attention, natKernelSize));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var tokens = x.permute(0, 2, 3, 1).contiguous();                 // [B, H, W, C] = official [B, H*W, C]
        foreach (var block in swin_blks) tokens = block.forward(tokens);
        return tokens.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }
}
