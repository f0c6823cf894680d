using Ridcp.Models;
using Ridcp.Tests.Matching;
using Ridcp.Tests.Parity;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Models;

public class WeightedMatchingTests
{
    [Fact]
    public void A_token_switches_to_the_weighted_code_exactly_below_its_log_distance_ratio()
    {
        using var scope = NewDisposeScope();
        var d = WeightedMatching.Distances(SyntheticTokens.Tokens(-1.0, 2.0), SyntheticTokens.Codebook());
        var w = SyntheticTokens.Weight();
        Assert.Equal(new long[] { 0, 1 }, WeightedMatching.Match(d, w, 0).data<long>().ToArray());
        Assert.Equal(new long[] { 0, 0 }, WeightedMatching.Match(d, w, 2.05).data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1 }, WeightedMatching.Match(d, w, 1.95).data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1 }, WeightedMatching.Match(d, w, -1.05).data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1 }, WeightedMatching.Match(d, w, -0.95).data<long>().ToArray());
    }

    [Fact]
    public void Counts_add_up_to_the_tokens_per_code()
    {
        using var scope = NewDisposeScope();
        var d = WeightedMatching.Distances(SyntheticTokens.Tokens(-3, -1, 1, 3, 5), SyntheticTokens.Codebook());
        Assert.Equal(new long[] { 2, 3 }, WeightedMatching.Counts(d, SyntheticTokens.Weight(), 0));
        Assert.Equal(new long[] { 0, 5 }, WeightedMatching.Counts(d, SyntheticTokens.Weight(), -4));
        Assert.Equal(new long[] { 5, 0 }, WeightedMatching.Counts(d, SyntheticTokens.Weight(), 6));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-21.25)]
    public void Matching_in_row_chunks_gives_the_indices_of_one_pass(double alpha)
    {
        using var scope = NewDisposeScope();
        var g = new TorchSharp.torch.Generator(21);
        var codebook = randn(1024, 32, generator: g);
        var weight = rand(1024, generator: g).mul(0.1);
        long chunkRows = WeightedMatching.MatchChunkBytes / (1024 * sizeof(float));
        var tokens = randn(2 * chunkRows + 123, 32, generator: g);   // two whole chunks and a short last one

        var whole = WeightedMatching.Match(WeightedMatching.Distances(tokens, codebook), weight, alpha);
        var chunked = WeightedMatching.MatchInRowChunks(tokens, codebook, weight, alpha);

        Assert.Equal(whole.data<long>().ToArray(), chunked.data<long>().ToArray());
    }

    [Theory]
    [InlineData("0", 0.0)]
    [InlineData("m21.25", -21.25)]
    public void Matching_cached_distances_reproduces_the_official_quantizer_indices(string tag, double alpha)
    {
        using var scope = NewDisposeScope();
        var codebook = DeterministicWeights.Make("quantize_group.0.embedding.weight", [1024, 512]);
        var weight = DeterministicWeights.Make("quantize_group.0.weight", [1024]);
        var z = DeterministicWeights.LoadNpy("quant_z.npy");                     // [1,512,8,8]
        var expected = DeterministicWeights.LoadNpy($"quant_a{tag}_indices.npy"); // [1,1,8,8]
        var d = WeightedMatching.Distances(WeightedMatching.FlattenTokens(z), codebook);
        var got = WeightedMatching.Match(d, weight, alpha);
        Assert.Equal(expected.reshape(-1).data<long>().ToArray(), got.data<long>().ToArray());
    }
}
