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
    private Parameter relative_position_bias_table;   // not readonly: Module.to() replaces tensor fields
    private Tensor relative_position_index;
    private readonly Linear qkv;
    private readonly Linear proj;

    private readonly int windowSize;
    private readonly int numHeads;

    public WindowAttention(int dim, int windowSize, int numHeads) : base(nameof(WindowAttention))
    {
        if (dim % numHeads != 0) throw new ArgumentException($"dim {dim} is not divisible by {numHeads} heads");
        this.windowSize = windowSize;
        this.numHeads = numHeads;

        int span = 2 * windowSize - 1;
        // trunc_normal_(std=.02) as in the official constructor (timm's bounds are absolute: +-2).
        relative_position_bias_table = new Parameter(nn.init.trunc_normal_(empty(span * span, numHeads), std: 0.02));
        relative_position_index = WindowOps.RelativePositionIndex(windowSize);
        qkv = nn.Linear(dim, dim * 3);
        proj = nn.Linear(dim, dim);
        RegisterComponents();   // the Tensor field becomes a persistent buffer, as register_buffer does in PyTorch
    }

    /// <summary>x: [B * nW, N, C] window tokens; mask: [nW, N, N] or null. Returns [B * nW, N, C].</summary>
    /// <remarks>softmax(q k^T * scale + bias + mask) v is evaluated by scaled_dot_product_attention with the bias and
    /// mask as one additive float mask (its default scale is head_dim^-0.5, as here): on the CPU this is about 3x
    /// faster than the explicit matmul/softmax chain, differs from it by float32 rounding only (~1e-6), and carries
    /// the gradient to the bias table as well.</remarks>
    public override Tensor forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long bw = x.shape[0], n = x.shape[1], c = x.shape[2];
        long headDim = c / numHeads;

        var qkvOut = qkv.forward(x).reshape(bw, n, 3, numHeads, headDim).permute(2, 0, 3, 1, 4);   // [3, B_, h, N, d]
        var additive = RelativePositionBias(n).unsqueeze(0);                                          // [1, h, N, N]
        if (mask is not null)
        {
            long nw = mask.shape[0];
            additive = additive + mask.unsqueeze(1);                                                  // [nW, h, N, N]
            if (bw != nw) additive = additive.repeat(bw / nw, 1, 1, 1);                               // window w of image b at b*nW + w
        }
        var heads = nn.functional.scaled_dot_product_attention(qkvOut[0], qkvOut[1], qkvOut[2], additive);   // [B_, h, N, d]
        return proj.forward(heads.transpose(1, 2).reshape(bw, n, c)).MoveToOuterDisposeScope();
    }

    /// <summary>[heads, N, N] bias gathered from the table (differentiable w.r.t. the table).</summary>
    private Tensor RelativePositionBias(long n)
    {
        // Module.to(dtype) in TorchSharp also converts integer buffers; an index must stay int64.
        var index = relative_position_index.dtype == ScalarType.Int64 ? relative_position_index : relative_position_index.to(ScalarType.Int64);
        return relative_position_bias_table.index_select(0, index.view(-1)).view(n, n, numHeads).permute(2, 0, 1);
    }
}
