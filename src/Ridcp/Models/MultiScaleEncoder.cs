using Ridcp.Bricks.Residual;
using Ridcp.Core;
using Ridcp.Bricks.Swin;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Port of <c>MultiScaleEncoder</c> (RIDCP basicsr/archs/dehaze_vq_weight_arch.py): <c>in_conv</c>
/// (4x4 kernel, padding 1: the map loses one pixel per side pair, 96x128 -> 95x127), then <c>blocks</c>: per x2
/// stage Sequential(Conv3x3 stride 2, ResBlock, ResBlock), and in the LQ stage a final SwinLayers (4 RSTBs).</summary>
public sealed class MultiScaleEncoder : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> in_conv;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks;

    public MultiScaleEncoder(VQWeightDehazeNetOptions o) : base(nameof(MultiScaleEncoder))
    {
        var ch = o.ChannelQueryDict;
        int res = o.GtResolution;
        in_conv = nn.Conv2d(o.InChannel, ch[res], 4, stride: 1, padding: 1);
        blocks = new ModuleList<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < o.MaxDepth; i++)
        {
            int inCh = ch[res], outCh = ch[res / 2];
            blocks.Add(nn.Sequential(
                nn.Conv2d(inCh, outCh, 3, stride: 2, padding: 1),
                new ResBlock(outCh, outCh, o.NormType, o.ActType),
                new ResBlock(outCh, outCh, o.NormType, o.ActType)));
            res /= 2;
        }
        if (o.LqStage)
            blocks.Add(new SwinLayers(embedDim: ch[res], blkDepth: o.SwinBlkDepth, numHeads: o.SwinNumHeads,
                windowSize: o.SwinWindowSize, numBlocks: o.SwinNumBlocks,
                inputHeight: o.SwinInputResolution, inputWidth: o.SwinInputResolution,
                attention: o.EncoderAttention, natKernelSize: o.NatKernelSize));
        RegisterComponents();
    }

    /// <summary>in_conv, for a forward run layer by layer (Inference/Streaming).</summary>
    internal nn.Module<Tensor, Tensor> InConv => in_conv;

    /// <summary>The layers of stage <paramref name="i"/> (stride-2 conv, ResBlock, ResBlock), in order.</summary>
    internal nn.Module<Tensor, Tensor>[] StageLayers(int i) => blocks[i].children().Cast<nn.Module<Tensor, Tensor>>().ToArray();

    /// <summary>The LQ stage's Swin layers (the last block), or null on the HQ stage.</summary>
    internal nn.Module<Tensor, Tensor>? Swin => blocks[^1] as Ridcp.Bricks.Swin.SwinLayers;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        // Inference runs the convolutions in channels-last order (Core/ChannelsLast); the Swin layers take either.
        var x = in_conv.forward(ChannelsLast.ForInference(input));
        foreach (var m in blocks)
        {
            var next = m.forward(x);
            x.Dispose();
            x = next;
        }
        return scope.MoveToOuter(x);
    }
}
