using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>The hazy images' token-to-code distances, computed once from their pre-quantisation features, so that
/// each α of the search costs only a reweight and an argmin (no network, no matmul). Memory: 4·K bytes per token
/// (200 images of 24×32 tokens with K = 1024: 630 MB). Owns native memory: dispose it.</summary>
public sealed class DistanceCache : IDisposable
{
    readonly Tensor codebook;
    readonly Tensor weight;
    readonly List<Tensor> images = [];

    /// <param name="codebook">[K,D] code vectors (quantize_group.0.embedding.weight).</param>
    /// <param name="weight">[K] CHM weight.</param>
    public DistanceCache(Tensor codebook, Tensor weight)
    {
        if (codebook.dim() != 2) throw new ArgumentException("codebook [K,D] expected");
        if (weight.numel() != codebook.shape[0])
            throw new ArgumentException($"CHM weight of {weight.numel()} entries for a codebook of {codebook.shape[0]} codes");
        this.codebook = codebook.detach().to_type(ScalarType.Float32).clone();
        this.weight = weight.detach().reshape(-1).to_type(ScalarType.Float32).clone();
    }

    public int CodebookSize => (int)codebook.shape[0];
    public int Images => images.Count;
    public long Tokens => images.Sum(t => t.shape[0]);

    /// <summary>Adds one image's pre-quantisation features: [1,D,h,w] (as the network produces) or [N,D] rows.</summary>
    public void AddImage(Tensor features)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = features.dim() == 4 ? WeightedMatching.FlattenTokens(features) : features;
        if (z.dim() != 2 || z.shape[1] != codebook.shape[1])
            throw new ArgumentException($"features of {z.shape[^1]} channels for codes of {codebook.shape[1]}");
        var d = WeightedMatching.Distances(z.to_type(ScalarType.Float32), codebook);
        images.Add(d.contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>Code counts over all cached images under weighted matching with this α.</summary>
    public long[] Counts(double alpha)
    {
        var total = new long[CodebookSize];
        for (int i = 0; i < images.Count; i++)
        {
            var c = ImageCounts(i, alpha);
            for (int k = 0; k < total.Length; k++) total[k] += c[k];
        }
        return total;
    }

    /// <summary>Code counts of one cached image under weighted matching with this α.</summary>
    public long[] ImageCounts(int image, double alpha) => WeightedMatching.Counts(images[image], weight, alpha);

    public void Dispose()
    {
        foreach (var t in images) t.Dispose();
        images.Clear();
        codebook.Dispose();
        weight.Dispose();
    }
}
