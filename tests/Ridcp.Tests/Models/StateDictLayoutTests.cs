using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Ridcp.Models;
using Ridcp.Tests.Parity;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Models;

/// <summary>The state dict of both stages equals the official one (manifest_hq.json / manifest_lq.json): same
/// keys, shapes, dtypes, parameter-or-buffer kind, and buffers with the values the official modules compute.</summary>
public class StateDictLayoutTests
{
    private sealed record Entry(string Key, long[] Shape, string Dtype, string Kind, bool RequiresGrad, string? Sha256);

    private static List<Entry> Manifest(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture.Parity(file)));
        return doc.RootElement.GetProperty("entries").EnumerateArray().Select(e => new Entry(
            e.GetProperty("key").GetString()!,
            e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
            e.GetProperty("dtype").GetString()!,
            e.GetProperty("kind").GetString()!,
            e.TryGetProperty("requires_grad", out var rg) && rg.GetBoolean(),
            e.GetProperty("check").GetProperty("sha256_le").GetString())).ToList();
    }

    private static string DtypeName(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Int64 => "int64",
        var d => d.ToString(),
    };

    private static void AssertLayout(nn.Module net, List<Entry> manifest)
    {
        var sd = net.state_dict();
        var missing = manifest.Select(e => e.Key).Except(sd.Keys).ToList();
        var unexpected = sd.Keys.Except(manifest.Select(e => e.Key)).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"missing: {string.Join(", ", missing.Take(10))}; unexpected: {string.Join(", ", unexpected.Take(10))}");

        var parameters = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var buffers = net.named_buffers().Select(b => b.name).ToHashSet();
        foreach (var e in manifest)
        {
            var t = sd[e.Key];
            Assert.True(e.Shape.SequenceEqual(t.shape), $"{e.Key}: shape [{string.Join(",", t.shape)}], official [{string.Join(",", e.Shape)}]");
            Assert.Equal(e.Dtype, DtypeName(t));
            if (e.Kind == "parameter")
            {
                Assert.True(parameters.ContainsKey(e.Key), $"{e.Key} should be a parameter");
                Assert.Equal(e.RequiresGrad, parameters[e.Key].requires_grad);
            }
            else
            {
                Assert.Equal("persistent_buffer", e.Kind);
                Assert.True(buffers.Contains(e.Key), $"{e.Key} should be a persistent buffer");
            }
        }
        // Parameters come in the official order (buffers are interleaved differently by TorchSharp; load by name).
        Assert.Equal(manifest.Where(e => e.Kind == "parameter").Select(e => e.Key), parameters.Keys);
    }

    [Fact]
    public void Hq_net_state_dict_equals_the_official_layout()
    {
        using var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialHq);
        var manifest = Manifest("manifest_hq.json");
        Assert.Equal(83, manifest.Count);
        AssertLayout(net, manifest);
    }

    [Fact]
    public void Lq_net_state_dict_equals_the_official_layout()
    {
        using var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialLq);
        var manifest = Manifest("manifest_lq.json");
        Assert.Equal(488, manifest.Count);
        AssertLayout(net, manifest);
    }

    [Fact]
    public void Lq_net_without_use_weight_lacks_exactly_the_chm_weight()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Fixture.Parity("manifest_lq.json")));
        var absent = doc.RootElement.GetProperty("keys_absent_when_use_weight_false").EnumerateArray().Select(x => x.GetString()!).ToHashSet();
        Assert.Equal(["quantize_group.0.weight"], absent);
        using var net = new VQWeightDehazeNet(VQWeightDehazeNetOptions.OfficialLq with { UseWeight = false });
        AssertLayout(net, Manifest("manifest_lq.json").Where(e => !absent.Contains(e.Key)).ToList());
    }

    [Fact]
    public void Computed_buffers_and_generated_weights_match_the_manifest_checksums()
    {
        var net = ParityNets.Lq;
        var sd = net.state_dict();
        foreach (var e in Manifest("manifest_lq.json"))
            Assert.True(e.Sha256 == Sha256(sd[e.Key]), $"{e.Key} ({e.Kind}) differs from the official values");
    }

    private static string Sha256(Tensor t)
    {
        using var c = t.contiguous().cpu();
        // Little-endian machine: the in-memory bytes are the manifest's sha256_le bytes.
        byte[] hash = c.dtype == ScalarType.Int64
            ? SHA256.HashData(MemoryMarshal.AsBytes(c.data<long>().ToArray().AsSpan()))
            : SHA256.HashData(MemoryMarshal.AsBytes(c.data<float>().ToArray().AsSpan()));
        return Convert.ToHexString(hash).ToLowerInvariant();
    }
}
