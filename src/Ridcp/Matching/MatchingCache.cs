using Ridcp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>What weighted matching picks for every cached token at every α of a range, computed once from the
/// images' pre-quantisation features: per token the winning code's segments in α (<see cref="LowerEnvelope"/>).
/// Each α of the search then costs a lookup per token instead of a reweight + argmin over all K codes, and the
/// cache holds a few numbers per token instead of K distances. Counts agree with the network's float32
/// d·exp(α·w) argmin except within float rounding of a switching α.</summary>
public sealed class MatchingCache : IDisposable
{
    /// <summary>Rows of distances computed at once (bounds the temporary [rows, K] tensor to 32 MB for K = 1024).</summary>
    const int ChunkRows = 8192;

    readonly Tensor codebook;
    readonly LowerEnvelope envelope;
    readonly List<int> codes = [];
    readonly List<double> starts = [];
    readonly List<int> tokenStart = [0];
    readonly List<int> imageStart = [0];

    /// <param name="codebook">[K,D] code vectors (quantize_group.0.embedding.weight).</param>
    /// <param name="weight">[K] CHM weight.</param>
    /// <param name="min">Lowest α the cache answers for.</param>
    /// <param name="max">Highest α the cache answers for.</param>
    public MatchingCache(Tensor codebook, Tensor weight, double min, double max)
    {
        if (codebook.dim() != 2) throw new ArgumentException("codebook [K,D] expected");
        if (weight.numel() != codebook.shape[0])
            throw new ArgumentException($"CHM weight of {weight.numel()} entries for a codebook of {codebook.shape[0]} codes");
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max) throw new ArgumentException($"bad α range {min}:{max}");
        using var w = weight.detach().reshape(-1).to_type(ScalarType.Float32).contiguous();
        var wv = w.data<float>().ToArray();
        if (wv.Any(v => !float.IsFinite(v))) throw new InvalidDataException("CHM weight holds a non-finite value");
        // a copy owned by the cache, not by whatever dispose scope the caller is in
        this.codebook = codebook.detach().to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        envelope = new LowerEnvelope(wv, min, max);
        Min = min;
        Max = max;
    }

    public double Min { get; }
    public double Max { get; }
    public int CodebookSize => (int)codebook.shape[0];
    public int Images => imageStart.Count - 1;
    public long Tokens => tokenStart.Count - 1;
    /// <summary>Envelope segments stored (= tokens when no token changes code inside the range).</summary>
    public long Segments => codes.Count;

    /// <summary>Adds one image's pre-quantisation features: [1,D,h,w] (as the network produces) or [N,D] rows.</summary>
    public void AddImage(Tensor features)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = features.dim() == 4 ? WeightedMatching.FlattenTokens(features) : features;
        if (z.dim() != 2 || z.shape[1] != codebook.shape[1])
            throw new ArgumentException($"features of {z.shape[^1]} channels for codes of {codebook.shape[1]}");
        z = z.to_type(ScalarType.Float32);
        int k = CodebookSize;
        for (long row = 0; row < z.shape[0]; row += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            var d = WeightedMatching.Distances(z.narrow(0, row, Math.Min(ChunkRows, z.shape[0] - row)), codebook).cpu().contiguous();
            var values = d.data<float>().ToArray();
            for (int t = 0; t < d.shape[0]; t++)
            {
                envelope.Add(values.AsSpan(t * k, k), codes, starts);
                tokenStart.Add(codes.Count);
            }
        }
        imageStart.Add(tokenStart.Count - 1);
    }

    /// <summary>Code counts over all cached images under weighted matching with this α.</summary>
    public long[] Counts(double alpha) => CountTokens(0, tokenStart.Count - 1, alpha);

    /// <summary>Code counts of one cached image under weighted matching with this α.</summary>
    public long[] ImageCounts(int image, double alpha)
    {
        if ((uint)image >= (uint)Images) throw new ArgumentOutOfRangeException(nameof(image));
        return CountTokens(imageStart[image], imageStart[image + 1], alpha);
    }

    /// <summary>The code each token of one image takes at this α, in token order.</summary>
    public int[] ImageCodes(int image, double alpha)
    {
        if ((uint)image >= (uint)Images) throw new ArgumentOutOfRangeException(nameof(image));
        CheckAlpha(alpha);
        var result = new int[imageStart[image + 1] - imageStart[image]];
        for (int t = 0; t < result.Length; t++) result[t] = CodeAt(imageStart[image] + t, alpha);
        return result;
    }

    /// <summary>Every switching point inside the range: at Alpha, one token moves from code From to code To.</summary>
    public List<(double Alpha, int From, int To)> Switches()
    {
        var list = new List<(double, int, int)>((int)(Segments - Tokens));
        for (int t = 0; t + 1 < tokenStart.Count; t++)
            for (int j = tokenStart[t] + 1; j < tokenStart[t + 1]; j++)
                list.Add((starts[j], codes[j - 1], codes[j]));
        return list;
    }

    long[] CountTokens(int from, int to, double alpha)
    {
        CheckAlpha(alpha);
        var counts = new long[CodebookSize];
        for (int t = from; t < to; t++) counts[CodeAt(t, alpha)]++;
        return counts;
    }

    int CodeAt(int token, double alpha)
    {
        int s = tokenStart[token], e = tokenStart[token + 1];
        int j = s;
        while (j + 1 < e && starts[j + 1] <= alpha) j++; // few segments per token: a linear walk beats a binary search
        return codes[j];
    }

    public void Dispose() => codebook.Dispose();

    void CheckAlpha(double alpha)
    {
        if (!(alpha >= Min && alpha <= Max)) throw new ArgumentOutOfRangeException(nameof(alpha), $"α = {alpha} outside the cached range {Min}:{Max}");
    }
}
