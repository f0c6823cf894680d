using System.Text;
using System.Text.Json;
using Ridcp.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Tests.Parity;

/// <summary>The deterministic weight generator of shared/parity/README.md section 1 (FNV-1a seed per key,
/// splitmix64 per element), and the per-key rules that the manifests record (center, scale).</summary>
public static class DeterministicWeights
{
    public static ulong Fnv1a64(string key)
    {
        ulong h = 0xcbf29ce484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key)) { h ^= b; h = unchecked(h * 0x100000001b3UL); }
        return h;
    }

    public static float Value(ulong seed, long i, double center, double scale)
    {
        ulong z = unchecked(seed + (ulong)i + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        double u = (double)(z >> 11) * (1.0 / 9007199254740992.0);
        return (float)(center + scale * (2.0 * u - 1.0));
    }

    public static float[] Values(string key, long count, double center, double scale)
    {
        ulong seed = Fnv1a64(key);
        var v = new float[count];
        for (long i = 0; i < count; i++) v[i] = Value(seed, i, center, scale);
        return v;
    }

    /// <summary>(center, scale) by the rules of README section 1; null for computed buffers.</summary>
    public static (double Center, double Scale)? Rule(string key, long[] shape)
    {
        string last = key[(key.LastIndexOf('.') + 1)..];
        if (last is "relative_position_index" or "attn_mask") return null;
        if (key == "quantize_group.0.embedding.weight") return (0, 1.0);
        if (key == "quantize_group.0.weight") return (0.005, 0.005);
        if (last == "relative_position_bias_table") return (0, 0.02);
        if (key.EndsWith(".dcn.bias")) return (0.1, 0.02);
        if (last == "bias") return (0, 0.02);
        if (last == "weight" && shape.Length >= 2)
        {
            long fanIn = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            return (0, 1.0 / Math.Sqrt(fanIn));
        }
        if (last == "weight" && shape.Length == 1) return (1.0, 0.1);
        throw new InvalidOperationException($"no deterministic rule for {key}");
    }

    /// <summary>Tensor for <paramref name="key"/> of <paramref name="shape"/> by the rules.</summary>
    public static Tensor Make(string key, long[] shape)
    {
        var rule = Rule(key, shape) ?? throw new InvalidOperationException($"{key} is a computed buffer");
        long n = shape.Aggregate(1L, (a, b) => a * b);
        return tensor(Values(key, n, rule.Center, rule.Scale), shape, ScalarType.Float32);
    }

    /// <summary>Fills every parameter (and non-computed buffer) of <paramref name="module"/> in place, by name.
    /// An optional prefix maps the module's names to manifest keys (e.g. "multiscale_decoder.warp.1.").</summary>
    public static void Fill(nn.Module module, string prefix = "")
    {
        using var _ = no_grad();
        foreach (var (name, t) in module.state_dict())
        {
            string key = prefix + name;
            if (Rule(key, t.shape) is null) continue;
            using var v = Make(key, t.shape);
            t.copy_(v);
        }
    }

    /// <summary>Manifest entries (key, shape) in order, from manifest_hq.json or manifest_lq.json.</summary>
    public static List<(string Key, long[] Shape, string Dtype, string? Sha256)> Manifest(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var list = new List<(string, long[], string, string?)>();
        foreach (var e in doc.RootElement.GetProperty("entries").EnumerateArray())
        {
            string? sha = e.TryGetProperty("check", out var c) && c.TryGetProperty("sha256_le", out var s) ? s.GetString() : null;
            list.Add((e.GetProperty("key").GetString()!, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
                      e.GetProperty("dtype").GetString()!, sha));
        }
        return list;
    }

    public static Tensor LoadNpy(string file)
    {
        var a = Npy.Read(Fixture.Parity(file));
        return a.Int64 is not null && a.Dtype == "i8"
            ? tensor(a.Int64, a.Shape, ScalarType.Int64)
            : tensor(a.ToFloat32(), a.Shape, ScalarType.Float32);
    }
}
