using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of WindowAttention in basicsr/archs/network_swinir.py: multi-head self-attention inside one window
/// with a learned relative position bias. qkv = Linear(C, 3C) split as [3, heads, C/heads]; q is scaled by
/// (C/heads)^-0.5 before q k^T; bias[h, i, j] = table[index[i, j], h]; an optional additive mask [nW, N, N] is added
/// per window before the softmax over keys; proj = Linear(C, C). Dropouts are 0 in RIDCP and left out.</summary>
public sealed class WindowAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Parameter relative_position_bias_table;
    private readonly Tensor relative_position_index;
    private readonly Linear qkv;
    private readonly Linear proj;

    private readonly int windowSize;
    private readonly int numHeads;
    private readonly double scale;

    public WindowAttention(int dim, int windowSize, int numHeads) : base(nameof(WindowAttention))
    {
        if (dim % numHeads != 0) throw new ArgumentException($"dim {dim} is not divisible by {numHeads} heads");
        this.windowSize = windowSize;
        this.numHeads = numHeads;
        scale = Math.Pow(dim / numHeads, -0.5);

        int span = 2 * windowSize - 1;
        // trunc_normal_(std=.02) as in the official constructor (timm's bounds are absolute: +-2).
        relative_position_bias_table = new Parameter(nn.init.trunc_normal_(empty(span * span, numHeads), std: 0.02));
        relative_position_index = WindowOps.RelativePositionIndex(windowSize);
        qkv = nn.Linear(dim, dim * 3);
        proj = nn.Linear(dim, dim);
        RegisterComponents();   // the Tensor field becomes a persistent buffer, as register_buffer does in PyTorch
    }

    /// <summary>x: [B * nW, N, C] window tokens; mask: [nW, N, N] or null. Returns [B * nW, N, C].</summary>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long bw = x.shape[0], n = x.shape[1], c = x.shape[2];
        long headDim = c / numHeads;

        var qkvOut = qkv.forward(x).reshape(bw, n, 3, numHeads, headDim).permute(2, 0, 3, 1, 4);   // [3, B_, h, N, d]
        var q = qkvOut[0].mul(scale);
        var k = qkvOut[1];
        var v = qkvOut[2];
        var attn = q.matmul(k.transpose(-2, -1));                                                   // [B_, h, N, N]
        attn.add_(RelativePositionBias(n).unsqueeze(0));
        if (mask is not null)
        {
            long nw = mask.shape[0];
            attn = attn.view(bw / nw, nw, numHeads, n, n).add_(mask.unsqueeze(1).unsqueeze(0)).view(bw, numHeads, n, n);
        }
        attn = attn.softmax(-1);
        var heads = attn.matmul(v).transpose(1, 2).reshape(bw, n, c);
        return proj.forward(heads).MoveToOuterDisposeScope();
    }

    /// <summary>[heads, N, N] bias gathered from the table (differentiable w.r.t. the table).</summary>
    private Tensor RelativePositionBias(long n)
    {
        // Module.to(dtype) in TorchSharp also converts integer buffers; an index must stay int64.
        var index = relative_position_index.dtype == ScalarType.Int64 ? relative_position_index : relative_position_index.to(ScalarType.Int64);
        return relative_position_bias_table.index_select(0, index.view(-1)).view(n, n, numHeads).permute(2, 0, 1);
    }
}
