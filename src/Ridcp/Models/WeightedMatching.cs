using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Controllable HQP matching (CHM, paper Eq. 7), the one implementation: <see cref="VectorQuantizer"/> and
/// the CHM statistics / α search (Matching) all call it. Split in its two halves: the distances to every code
/// (the expensive half, independent of α) and the reweighting + argmin that depends on α. Computed exactly as
/// VectorQuantizer.forward in the official basicsr/archs/dehaze_vq_weight_arch.py: expanded-form squared distance
/// Σz² + Σe² − 2 z·eᵀ (not (z − e)², whose rounding differs and can flip near-ties), multiplied by exp(α·w) per
/// code in float32 like the official <c>torch.exp(self.weight_alpha * self.weight)</c>, first index on ties.
/// No gradients flow through matching (only the argmin is used).</summary>
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

    /// <summary>Rows of distances per chunk in <see cref="MatchInRowChunks"/>: 16 MB of float32 distances for the
    /// 1024 codes of RIDCP's codebook.</summary>
    public const long MatchChunkBytes = 16L << 20;

    /// <summary><see cref="Match"/>(<see cref="Distances"/>(zFlat, codebook), weight, alpha) computed a chunk of rows
    /// at a time, with the same indices (every row's distances, reweighting and argmin involve that row alone).
    /// Whole, the [N,K] distances and their temporaries were about three N x K float32 matrices at once, 768 bytes
    /// per input pixel for RIDCP's 1024 codes at 1/4 resolution: the second-largest peak of a whole-image forward
    /// (docs/benchmarks.md).</summary>
    public static Tensor MatchInRowChunks(Tensor zFlat, Tensor codebook, Tensor? weight, double alpha)
    {
        using var scope = NewDisposeScope();
        long n = zFlat.shape[0];
        long chunkRows = Math.Max(1, MatchChunkBytes / (codebook.shape[0] * sizeof(float)));
        if (n <= chunkRows) return Match(Distances(zFlat, codebook), weight, alpha).MoveToOuterDisposeScope();
        var indices = new List<Tensor>();
        for (long row = 0; row < n; row += chunkRows)
        {
            using var chunk = NewDisposeScope();
            var rows = zFlat.narrow(0, row, Math.Min(chunkRows, n - row));
            indices.Add(Match(Distances(rows, codebook), weight, alpha).MoveToOuterDisposeScope());
        }
        return cat(indices, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Features [B,D,h,w] (the network's pre-quantisation map) as [B·h·w, D] token rows, in the
    /// quantizer's order (permute to NHWC, then flatten).</summary>
    public static Tensor FlattenTokens(Tensor features)
    {
        if (features.dim() != 4) throw new ArgumentException($"features [B,D,h,w] expected, got {features.dim()} dims");
        return features.permute(0, 2, 3, 1).reshape(-1, features.shape[1]);
    }

    /// <summary>d_k·exp(α·w_k) for every row of d [N,K]; w [K]; no weight or α = 0 gives a copy of d (exp(0·w) is
    /// exactly 1). Negative α favours codes with a large weight (the official sign convention).</summary>
    public static Tensor Reweight(Tensor distances, Tensor? weight, double alpha)
    {
        using var _ = no_grad();
        if (!Reweights(distances, weight, alpha)) return distances.clone();
        using var scope = NewDisposeScope();
        return (distances * exp(alpha * weight!.reshape(-1))).MoveToOuterDisposeScope();
    }

    /// <summary>argmin_k of <see cref="Reweight"/>: the chosen code per row; α = 0 is plain nearest matching.</summary>
    public static Tensor Match(Tensor distances, Tensor? weight, double alpha)
    {
        using var _ = no_grad();
        if (!Reweights(distances, weight, alpha)) return distances.argmin(1);
        using var scope = NewDisposeScope();
        return Reweight(distances, weight, alpha).argmin(1).MoveToOuterDisposeScope();
    }

    private static bool Reweights(Tensor distances, Tensor? weight, double alpha)
    {
        if (weight is null || alpha == 0) return false;
        if (weight.numel() != distances.shape[1])
            throw new ArgumentException($"CHM weight of {weight.numel()} entries for a codebook of {distances.shape[1]}");
        return true;
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
