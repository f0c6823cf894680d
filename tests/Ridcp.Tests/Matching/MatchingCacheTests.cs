using Ridcp.Models;
using Ridcp.Matching;
using Ridcp.Tests.Parity;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Matching;

public class MatchingCacheTests
{
    [Fact]
    public void The_cache_counts_the_official_network_indices_of_a_whole_image_for_three_alphas()
    {
        using var scope = NewDisposeScope();
        var codebook = DeterministicWeights.Make("quantize_group.0.embedding.weight", [1024, 512]);
        var weight = DeterministicWeights.Make("quantize_group.0.weight", [1024]);
        using var cache = new MatchingCache(codebook, weight, -60, 60);
        cache.AddImage(DeterministicWeights.LoadNpy("lq_72x100_feat_to_quant.npy"));
        cache.AddImage(DeterministicWeights.LoadNpy("lq_45x61_feat_to_quant.npy"));
        Assert.Equal(24 * 32 + 16 * 16, cache.Tokens);
        foreach (var (tag, alpha) in new[] { ("a0", 0.0), ("am21.25", -21.25), ("ap10", 10.0) })
        {
            var a = DeterministicWeights.LoadNpy($"lq_72x100_{tag}_indices.npy");
            var b = DeterministicWeights.LoadNpy($"lq_45x61_{tag}_indices.npy");
            var expected = new long[1024];
            foreach (long k in a.data<long>()) expected[k]++;
            Assert.Equal(expected, cache.ImageCounts(0, alpha));
            foreach (long k in b.data<long>()) expected[k]++;
            Assert.Equal(expected, cache.Counts(alpha));
        }
    }

    [Fact]
    public void Envelope_lookups_agree_with_the_networks_reweight_and_argmin_at_many_alphas()
    {
        // random features, codebook and weight; the brute-force path is the network's own float32 d·exp(α·w) argmin
        using var scope = NewDisposeScope();
        var gen = new Generator(7);
        var codebook = randn([64, 16], generator: gen);
        var weight = rand([64], generator: gen) * 0.05f - 0.01f;
        var z = codebook.index_select(0, randint(0, 64, [500], generator: gen)) + 0.9f * randn([500, 16], generator: gen);
        using var cache = new MatchingCache(codebook, weight, -60, 60);
        cache.AddImage(z.narrow(0, 0, 200));
        cache.AddImage(z.narrow(0, 200, 300));
        Assert.True(cache.Segments > cache.Tokens, "the case should make tokens change code inside the range");
        var d = WeightedMatching.Distances(z, codebook);
        var rng = new Random(3);
        int compared = 0, differing = 0;
        for (int i = 0; i < 60; i++)
        {
            double alpha = Math.Round(-60 + 120 * rng.NextDouble(), 2);
            var brute = WeightedMatching.Match(d, weight, alpha).data<long>().ToArray();
            var fromCache = cache.ImageCodes(0, alpha).Concat(cache.ImageCodes(1, alpha)).ToArray();
            for (int t = 0; t < brute.Length; t++) { compared++; if (brute[t] != fromCache[t]) differing++; }
        }
        // float32 products vs float64 logarithms may only disagree within rounding of a switching α: none expected here
        Assert.Equal(0, differing);
        Assert.Equal(60 * 500, compared);
    }

    [Fact]
    public void An_alpha_outside_the_cached_range_is_refused()
    {
        using var scope = NewDisposeScope();
        using var cache = new MatchingCache(SyntheticTokens.Codebook(), SyntheticTokens.Weight(), -5, 5);
        cache.AddImage(SyntheticTokens.Tokens(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Counts(6));
        Assert.Throws<ArgumentException>(() => AlphaRecommendation.ForSet(cache, [0.5, 0.5], new AlphaSearchOptions { Min = -10, Max = 10 }));
    }

    [Fact]
    public void A_weight_that_does_not_fit_the_codebook_is_refused()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new MatchingCache(SyntheticTokens.Codebook(), tensor(new float[] { 1, 2, 3 }), -1, 1));
    }

    [Fact]
    public void The_cache_keeps_its_tensors_when_the_callers_scopes_end()
    {
        MatchingCache cache;
        using (var outer = NewDisposeScope())
        {
            cache = new MatchingCache(SyntheticTokens.Codebook(), SyntheticTokens.Weight(), -20, 20);
            using (var perImage = NewDisposeScope()) cache.AddImage(SyntheticTokens.Tokens(-1, 1));
        }
        using (cache) Assert.Equal(new long[] { 1, 1 }, cache.Counts(0));
    }
}
