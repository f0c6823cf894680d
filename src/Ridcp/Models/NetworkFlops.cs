using Ridcp.Bricks;

namespace Ridcp.Models;

/// <summary>Arithmetic of one <see cref="VQWeightDehazeNet.EncodeAndDecode"/> pass, counted layer by layer from the
/// architecture options: 2 FLOP per multiply-add of every convolution, linear layer, attention product (q k^T and
/// attn v), deformable-conv matmul and codebook distance matmul. Normalisation, activations, sampling and
/// additions are left out (a few percent; they are not matrix work), so the figure is what the matrix peak of a
/// machine should be compared with.</summary>
public static class NetworkFlops
{
    /// <summary>FLOP per part of the network for an input of <paramref name="height"/> x <paramref name="width"/>
    /// (the size that enters EncodeAndDecode, i.e. after test()'s padding).</summary>
    public static IReadOnlyList<(string Part, double Flop)> Count(VQWeightDehazeNetOptions o, long height, long width)
    {
        var parts = new List<(string, double)>();
        var ch = o.ChannelQueryDict;
        static double Conv(long cin, long cout, long k, long h, long w) => 2.0 * cin * cout * k * k * h * w;
        static double ResBlocks(long c, long h, long w) => 4 * Conv(c, c, 3, h, w);   // 2 blocks x 2 convs

        // Encoder: in_conv 4x4 (padding 1: one pixel smaller), per stage a stride-2 conv and two ResBlocks.
        long h = height - 1, w = width - 1;
        int res = o.GtResolution;
        double enc = Conv(o.InChannel, ch[res], 4, h, w);
        for (int i = 0; i < o.MaxDepth; i++)
        {
            h = (h - 1) / 2 + 1; w = (w - 1) / 2 + 1;
            enc += Conv(ch[res], ch[res / 2], 3, h, w) + ResBlocks(ch[res / 2], h, w);
            res /= 2;
        }
        parts.Add(("encoder convolutions", enc));

        long c = ch[res], tokens = h * w;
        if (o.LqStage)
        {
            // Keys each query attends to: a Swin window (window² tokens) or a neighbourhood (k², whatever the dilation).
            long window = Math.Min(o.SwinWindowSize, Math.Min(h, w));
            long keys = o.EncoderAttention == EncoderAttention.Swin ? window * window : (long)o.NatKernelSize * o.NatKernelSize;
            double perLayerToken = 2.0 * c * 3 * c + 2 * 2.0 * keys * c + 2.0 * c * c + 2 * 2.0 * c * 4 * c;
            double layers = o.SwinNumBlocks * (o.SwinBlkDepth * perLayerToken * tokens + Conv(c, c, 3, h, w));
            parts.Add((o.EncoderAttention == EncoderAttention.Swin ? "Swin layers" : "neighborhood-attention layers", layers));
        }
        var cb = o.CodebookParams[0];
        parts.Add(("quantiser (1x1 conv, code distances, conv after)",
                   Conv(c, cb.Dim, 1, h, w) + 2.0 * tokens * cb.Dim * cb.Size + Conv(cb.Dim, c, 3, h, w)));

        double dec = 0, residual = 0, warp = 0;
        for (int i = 0; i < o.MaxDepth; i++)
        {
            int inCh = ch[res], outCh = ch[res * 2];
            h *= 2; w *= 2; res *= 2;
            double block = Conv(inCh, outCh, 3, h, w) + ResBlocks(outCh, h, w);
            dec += block;
            if (o.LqStage && o.UseResidual)
            {
                residual += block;
                if (o.UseWarp && !o.OnlyResidual)   // offset conv, DCN's conv_offset (4 groups x 3 x 9), DCN matmul
                    warp += Conv(2 * outCh, outCh, 3, h, w) + Conv(outCh, 4 * 3 * 9, 3, h, w) + Conv(outCh, outCh, 3, h, w);
            }
        }
        int last = ch[res];
        parts.Add(("VQ decoder + out_conv", dec + Conv(last, 3, 3, h, w)));
        if (o.LqStage && o.UseResidual)
        {
            parts.Add(("residual decoder + residual_conv", residual + Conv(last, 3, 3, h, w)));
            parts.Add(("warp blocks (offset convs, deformable convs)", warp));
        }
        return parts;
    }

    public static double Total(VQWeightDehazeNetOptions o, long height, long width) => Count(o, height, width).Sum(p => p.Flop);
}
