using System.Security.Cryptography;
using Xunit;

namespace Ridcp.Tests.Parity;

public class DeterministicWeightsTests
{
    [Fact]
    public void Generated_tensors_match_the_manifest_checksums_bit_for_bit()
    {
        var entries = DeterministicWeights.Manifest(Fixture.Parity("manifest_hq.json"));
        Assert.Equal(83, entries.Count);
        foreach (var (key, shape, _, sha) in entries)
        {
            var rule = DeterministicWeights.Rule(key, shape)!.Value;
            long n = shape.Aggregate(1L, (a, b) => a * b);
            var v = DeterministicWeights.Values(key, n, rule.Center, rule.Scale);
            var bytes = new byte[v.Length * 4];
            Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
            Assert.Equal(sha, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant());
        }
    }
}
