using Ridcp.Models;
using Ridcp.Imaging;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>Runs a feature extractor over image files one at a time (one dispose scope per image, so memory stays
/// flat over a folder). A failing image is reported and skipped; the others go on.</summary>
public static class FolderPass
{
    /// <summary>Code frequencies under plain nearest matching (the p1 / p2 of the CHM recipe). Equal to the
    /// network's own α = 0 indices, since the network's matching is the same expanded-form argmin.</summary>
    public static CodeStatistics CollectStatistics(IReadOnlyList<string> images, FeatureExtractor features, Tensor codebook,
        string stage, Action<string, Exception>? onError = null, Action<string>? onDone = null)
    {
        var stats = new CodeStatistics((int)codebook.shape[0], stage);
        ForEach(images, features, onError, onDone, z =>
        {
            var d = WeightedMatching.Distances(WeightedMatching.FlattenTokens(z), codebook);
            stats.AddImage(WeightedMatching.Match(d, null, 0).cpu().data<long>().ToArray());
        });
        return stats;
    }

    /// <summary>What weighted matching picks for every image's tokens over an α range, for the α search.</summary>
    public static MatchingCache CacheMatching(IReadOnlyList<string> images, FeatureExtractor features, Tensor codebook, Tensor weight,
        double minAlpha, double maxAlpha, Action<string, Exception>? onError = null, Action<string>? onDone = null)
    {
        var cache = new MatchingCache(codebook, weight, minAlpha, maxAlpha);
        try { ForEach(images, features, onError, onDone, cache.AddImage); }
        catch { cache.Dispose(); throw; }
        return cache;
    }

    static void ForEach(IReadOnlyList<string> images, FeatureExtractor features, Action<string, Exception>? onError,
        Action<string>? onDone, Action<Tensor> use)
    {
        foreach (string path in images)
        {
            try
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var image = ImageFile.Read(path);
                var z = features(image);
                if (z.dim() != 4 || z.shape[0] != 1) throw new InvalidOperationException($"features [1,D,h,w] expected, got [{string.Join(",", z.shape)}]");
                if (z.isnan().any().item<bool>() || z.isinf().any().item<bool>()) throw new InvalidDataException("the network produced non-finite features");
                use(z);
            }
            catch (Exception e) when (e is not OutOfMemoryException && onError is not null)
            {
                onError(path, e);
                continue;
            }
            onDone?.Invoke(path);
        }
    }
}
