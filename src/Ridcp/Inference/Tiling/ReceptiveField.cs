using Ridcp.Models;

namespace Ridcp.Inference.Tiling;

/// <summary>How far (in input pixels) an output pixel of the LQ network can see: the sum of the reaches of the
/// layers on the longest path, input to output, each at its own scale. Deformable convolutions count their 3x3
/// kernel only; their learnt offsets can reach further (docs/tiling.md measures what that costs).</summary>
public static class ReceptiveField
{
    /// <summary>Reach in input pixels of one side, for the network of <paramref name="o"/>.</summary>
    public static int Radius(VQWeightDehazeNetOptions o)
    {
        int depth = o.MaxDepth, latentScale = 1 << depth;
        int reach = 2;                                              // in_conv: 4x4, padding 1 reaches 2 px down/right
        for (int i = 0; i < depth; i++)
            reach += (1 << i) + 4 * (2 << i);                       // stride-2 conv at 2^i, two ResBlocks (4 convs) at 2^(i+1)
        if (o.LqStage)                                              // each Swin block: a token sees its whole window
            reach += o.SwinNumBlocks * (o.SwinBlkDepth * (o.SwinWindowSize - 1) + 1) * latentScale;
        reach += latentScale;                                       // after_quant conv
        for (int i = 0; i < depth; i++)                             // per decoder stage at 2^(depth-1-i): code and residual
            reach += (5 + 2) * (latentScale >> (i + 1));            //   conv + 2 ResBlocks, then WarpBlock offset conv + DCN
        return reach + 1;                                           // residual_conv
    }

    /// <summary>The halo the tiler uses: the radius rounded up to the pad multiple.</summary>
    public static int Halo(VQWeightDehazeNetOptions o)
    {
        int m = o.PadMultiple;
        return (Radius(o) + m - 1) / m * m;
    }
}
