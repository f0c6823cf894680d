using Ridcp.Models;
using System.Diagnostics;
using static TorchSharp.torch;

namespace Ridcp.Matching;

/// <summary>Times the α search on synthetic cached features of a realistic size (e.g. 200 images of 24×32 tokens,
/// codebook 1024×512), without a network. Features are seeded draws: "clear" tokens are noisy rows of half of the
/// codebook, "hazy" tokens noisy blends of two codes, and the weight is |p1 − p2| from a separate hazy sample, as the
/// recipe builds it — so the optimum lies away from α = 0. For `ridcp chm bench`.</summary>
public static class AlphaSearchBenchmark
{
    public sealed record Figures(int Images, long Tokens, int Codes, double CacheSeconds, double SecondsPerAlpha,
        double SearchSeconds, int Evaluations, double Alpha, double KlAtZero, double Kl, long Segments)
    {
        /// <summary>The search itself and the frequencies behind it, for plots.</summary>
        public AlphaSearchResult? Search { get; init; }
        public double[]? P1 { get; init; }
        public double[]? P2AtZero { get; init; }
        public double[]? P2AtAlpha { get; init; }
        public ExactMinimum? Exact { get; init; }
        public double ExactSeconds { get; init; }
    }

    public static Figures Run(int images, int tokensPerImage, int codes, int dim, AlphaSearchOptions options, long seed = 1)
    {
        var gen = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var codebook = randn([codes, dim], generator: gen);
        // p1: nearest-code frequencies of a second, differently drawn set of tokens (so the optimum is not at α = 0)
        var p1Stats = new CodeStatistics(codes, "synthetic");
        var clearFeatures = codebook.index_select(0, randint(0, codes / 2, [images * tokensPerImage / 4], generator: gen))
                            + 0.5f * randn([images * tokensPerImage / 4, dim], generator: gen);
        p1Stats.AddImage(WeightedMatching.Match(WeightedMatching.Distances(clearFeatures, codebook), null, 0).data<long>().ToArray());
        var p1 = p1Stats.Frequencies();
        // hazy tokens lie between two codes (near-ties, which is where CHM's reweighting flips assignments)
        Tensor HazyTokens(int n)
        {
            var a = codebook.index_select(0, randint(0, codes, [n], generator: gen));
            var b = codebook.index_select(0, randint(0, codes, [n], generator: gen));
            var lambda = 0.3f + 0.4f * rand([n, 1], generator: gen);
            return lambda * a + (1 - lambda) * b + 0.3f * randn([n, dim], generator: gen);
        }
        var p2Stats = new CodeStatistics(codes, "synthetic");
        p2Stats.AddImage(WeightedMatching.Match(WeightedMatching.Distances(HazyTokens(images * tokensPerImage / 4), codebook), null, 0).data<long>().ToArray());
        using var weight = ChmWeight.FromStatistics(p1Stats, p2Stats).ToTensor();

        var clock = Stopwatch.StartNew();
        using var cache = new MatchingCache(codebook, weight, options.Min, options.Max);
        for (int i = 0; i < images; i++)
        {
            using var imageScope = NewDisposeScope();
            cache.AddImage(HazyTokens(tokensPerImage));
        }
        double cacheSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        const int Repeats = 3;
        for (int r = 0; r < Repeats; r++) cache.Counts(-10 - r);
        double perAlpha = clock.Elapsed.TotalSeconds / Repeats;

        clock.Restart();
        var result = AlphaRecommendation.ForSet(cache, p1, options);
        double search = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var exact = ExactMinimum.Find(cache, p1);
        double exactSeconds = clock.Elapsed.TotalSeconds;
        return new Figures(images, cache.Tokens, codes, cacheSeconds, perAlpha, search, result.Evaluations, result.Alpha,
            result.KlAtZero, result.Kl, cache.Segments)
        {
            Search = result,
            Exact = exact,
            ExactSeconds = exactSeconds,
            P1 = p1,
            P2AtZero = CodeStatistics.ToFrequencies(cache.Counts(Math.Clamp(0, options.Min, options.Max))),
            P2AtAlpha = CodeStatistics.ToFrequencies(cache.Counts(result.Alpha)),
        };
    }
}
