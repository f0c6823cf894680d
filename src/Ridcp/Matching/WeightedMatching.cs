using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>Controllable HQP matching (CHM, paper Eq. 7) split in its two halves: the distances to every code
/// (the expensive half, independent of α) and the reweighting + argmin that depends on α. Computed exactly as
/// VectorQuantizer.forward in the official basicsr/archs/dehaze_vq_weight_arch.py: expanded-form squared distance
/// Σz² + Σe² − 2 z·eᵀ (not (z − e)²), multiplied by exp(α·w) per code, first index on ties.</summary>
public static class WeightedMatching
{
    /// <summary>d [N,K] for z [N,D] (one token per row) and codebook e [K,D], float32 like the network.</summary>
    public static Tensor Distances(Tensor zFlat, Tensor codebook)
    {
        if (zFlat.dim() != 2 || codebook.dim() != 2 || zFlat.shape[1] != codebook.shape[1])
            throw new ArgumentException($"features [N,D] and codebook [K,D] expected, got [{string.Join(",", zFlat.shape)}] and [{string.Join(",", codebook.shape)}]");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var d = zFlat.pow(2).sum(1, keepdim: true) + codebook.pow(2).sum(1) - 2 * zFlat.matmul(codebook.t());
        return d.MoveToOuterDisposeScope();
    }

    /// <summary>Features [B,D,h,w] (the network's pre-quantisation map) as [B·h·w, D] token rows, in the
    /// quantizer's order (permute to NHWC, then flatten).</summary>
    public static Tensor FlattenTokens(Tensor features)
    {
        if (features.dim() != 4) throw new ArgumentException($"features [B,D,h,w] expected, got {features.dim()} dims");
        return features.permute(0, 2, 3, 1).reshape(-1, features.shape[1]);
    }

    /// <summary>argmin_k d_k·exp(α·w_k) for every row of d [N,K]; w [K]; α = 0 is plain nearest matching
    /// (exp(0·w) is exactly 1). Negative α favours codes with a large weight (the official sign convention).</summary>
    public static Tensor Match(Tensor distances, Tensor? weight, double alpha)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor d = distances;
        if (weight is not null && alpha != 0)
        {
            if (weight.numel() != distances.shape[1])
                throw new ArgumentException($"CHM weight of {weight.numel()} entries for a codebook of {distances.shape[1]}");
            d = distances * exp(alpha * weight.reshape(-1));
        }
        return d.argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>How often each of the K codes wins among the rows of d, for one α.</summary>
    public static long[] Counts(Tensor distances, Tensor? weight, double alpha)
    {
        using var scope = NewDisposeScope();
        var idx = Match(distances, weight, alpha);
        var counts = idx.bincount(null, distances.shape[1]);
        return counts.to_type(ScalarType.Int64).data<long>().ToArray();
    }
}
