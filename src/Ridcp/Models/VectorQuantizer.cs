using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Port of <c>VectorQuantizer</c> (RIDCP basicsr/archs/dehaze_vq_weight_arch.py): nearest-code matching
/// against the high-quality codebook, with the controllable matching of the paper (CHM, Sec. 3.3, Eq. 7: the
/// distance to code k is multiplied by exp(alpha * w_k)) when <c>use_weight</c> is set and the net is the LQ stage.</summary>
/// <remarks>
/// Fields: <c>weight</c> (CHM weight [n_e], a parameter without gradient, present only with use_weight, declared
/// first because PyTorch lists a module's own parameters before its children) and <c>embedding</c> (the codebook).
/// The official constructor torch.load()s the CHM weight from a fixed relative path; here it starts at zero
/// (exp(0 * w) = 1, plain matching) and is set with <see cref="SetChmWeight"/> or by loading a checkpoint.
/// Deviation: the official module stores a weight_alpha passed to forward and reuses it in later calls (sticky);
/// here alpha is per call, defaulting to the constructor's value.
/// </remarks>
public sealed class VectorQuantizer : nn.Module
{
    private readonly Parameter? weight;
    private readonly Embedding embedding;

    public int CodeCount { get; }
    public int CodeDim { get; }
    public bool LqStage { get; }
    public bool UseWeight { get; }
    public float Beta { get; }
    public float DefaultAlpha { get; }

    public VectorQuantizer(int nE, int eDim, float beta = 0.25f, bool lqStage = false, bool useWeight = true, float weightAlpha = 1.0f)
        : base(nameof(VectorQuantizer))
    {
        CodeCount = nE;
        CodeDim = eDim;
        Beta = beta;
        LqStage = lqStage;
        UseWeight = useWeight;
        DefaultAlpha = weightAlpha;
        if (useWeight)
        {
            weight = new Parameter(zeros(nE), requires_grad: false);
            weight.DetachFromDisposeScope();   // owned by the module, not by a caller's dispose scope
        }
        embedding = nn.Embedding(nE, eDim);
        RegisterComponents();
    }

    /// <summary>The codebook [n_e, e_dim] (embedding.weight).</summary>
    public Tensor Codebook => embedding.weight!;

    /// <summary>The CHM weight [n_e], or null without use_weight.</summary>
    public Tensor? ChmWeight => weight;

    /// <summary>Replaces the CHM weight values (e.g. from weight_for_matching_dehazing_Flickr.pth, a bare [n_e] tensor).</summary>
    public void SetChmWeight(Tensor w)
    {
        if (weight is null) throw new InvalidOperationException("this quantizer was built without use_weight: it has no CHM weight");
        if (w.ndim != 1 || w.shape[0] != CodeCount)
            throw new ArgumentException($"CHM weight must have shape [{CodeCount}], got [{string.Join(", ", w.shape)}]");
        using var _ = no_grad();
        weight.copy_(w);
    }

    /// <summary>Plain squared distances [N, n_e] of flattened features zFlat [N, e_dim] to every code
    /// (<see cref="WeightedMatching.Distances"/>).</summary>
    public Tensor Distances(Tensor zFlat) => WeightedMatching.Distances(zFlat, Codebook);

    /// <summary>Distances with the CHM factor exp(alpha * w) per code when this quantizer has a CHM weight;
    /// plain distances otherwise (<see cref="WeightedMatching.Reweight"/>).</summary>
    public Tensor WeightedDistances(Tensor zFlat, float alpha)
    {
        using var scope = NewDisposeScope();
        return WeightedMatching.Reweight(Distances(zFlat), weight, alpha).MoveToOuterDisposeScope();
    }

    /// <summary>Index [N] of the chosen code per row of zFlat [N, e_dim] (<see cref="WeightedMatching.Match"/>;
    /// plain nearest-code matching without a CHM weight).</summary>
    public Tensor MatchIndices(Tensor zFlat, float alpha)
    {
        using var scope = NewDisposeScope();
        return WeightedMatching.Match(Distances(zFlat), weight, alpha).MoveToOuterDisposeScope();
    }

    /// <summary>Codebook rows of indices [B,1,H,W] as NCHW features [B, e_dim, H, W] (official
    /// get_codebook_entry; index_select copies rows exactly, as the official one-hot matmul does).</summary>
    public Tensor CodebookEntry(Tensor indices)
    {
        if (indices.ndim != 4) throw new ArgumentException($"indices must be [B,1,H,W], got [{string.Join(", ", indices.shape)}]");
        using var scope = NewDisposeScope();
        long b = indices.shape[0], h = indices.shape[2], w = indices.shape[3];
        var rows = Codebook.index_select(0, indices.flatten().to(Codebook.device));
        var zq = rows.view(b, h, w, -1).permute(0, 3, 1, 2).contiguous();
        return scope.MoveToOuter(zq);
    }

    /// <summary>Official forward(z, gt_indices, weight_alpha). z is NCHW [B, e_dim, H, W].</summary>
    public QuantizerOutput Forward(Tensor z, Tensor? gtIndices = null, float? weightAlpha = null)
    {
        using var scope = NewDisposeScope();
        // Reduced-precision nets (bf16 inference) keep the quantiser in float32: distances of near-tied codes
        // would flip their argmin in bf16 (docs/precision.md). The result goes back in the caller's dtype.
        var callerType = z.dtype;
        if (callerType != Codebook.dtype) z = z.to(Codebook.dtype);
        var zh = z.permute(0, 2, 3, 1).contiguous();                 // [B,H,W,C]
        var zFlat = zh.view(-1, CodeDim);                            // [N,C]
        var codebook = Codebook;

        // CHM reweighting only in the LQ stage (official: `if self.use_weight and self.LQ_stage`).
        var matchWeight = UseWeight && LqStage ? weight : null;
        float alpha = weightAlpha ?? DefaultAlpha;
        // Inference matches in row chunks (same indices, a fraction of the memory); training keeps the one pass.
        var minIdx = is_grad_enabled() ? WeightedMatching.Match(Distances(zFlat), matchWeight, alpha)
                                       : WeightedMatching.MatchInRowChunks(zFlat, codebook, matchWeight, alpha); // [N]
        var zq = codebook.index_select(0, minIdx).view(zh.shape);    // [B,H,W,C], exact codebook rows

        Tensor loss;
        if (LqStage && gtIndices is not null)
        {
            // LQ training: beta * (sg[z_q_gt] - z)^2 elementwise plus the gram texture loss (a scalar broadcast on it).
            var zqGt = codebook.index_select(0, gtIndices.reshape(-1).to(codebook.device)).view(zh.shape).detach();
            loss = Beta * (zqGt - zh).square() + GramLoss(zh, zqGt);
        }
        else
        {
            // VQ-VAE loss: q_latent (moves codes) + beta * e_latent (commitment).
            var eLatent = (zq.detach() - zh).square().mean();
            var qLatent = (zq - zh.detach()).square().mean();
            loss = qLatent + eLatent * Beta;
        }

        // Straight-through estimator, evaluated numerically as the official z + (z_q - z).detach().
        var zst = (zh + (zq - zh).detach()).permute(0, 3, 1, 2).contiguous();
        if (callerType != zst.dtype) zst = zst.to(callerType);
        var indices = minIdx.reshape(z.shape[0], 1, z.shape[2], z.shape[3]);
        return new QuantizerOutput(scope.MoveToOuter(zst), scope.MoveToOuter(loss), scope.MoveToOuter(indices));
    }

    /// <summary>Gram-matrix texture loss of the official gram_loss: x, y [B,H,W,C] -> mean over B*C*C of
    /// (x^T x / HW - y^T y / HW)^2.</summary>
    public static Tensor GramLoss(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], hw = x.shape[1] * x.shape[2], c = x.shape[3];
        var xf = x.reshape(b, hw, c);
        var yf = y.reshape(b, hw, c);
        var gx = matmul(xf.transpose(1, 2), xf) / hw;
        var gy = matmul(yf.transpose(1, 2), yf) / hw;
        return scope.MoveToOuter((gx - gy).square().mean());
    }
}
