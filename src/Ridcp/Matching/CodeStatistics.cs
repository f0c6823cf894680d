using System.Text.Json;
using System.Text.Json.Nodes;
using Ridcp.Core;

namespace Ridcp.Matching;

/// <summary>How often each codebook entry was chosen over a set of images: the p1 (clear images through the
/// HQ VQGAN) and p2 (hazy images through the dehazer) of the authors' CHM recipe (RIDCP issue tracker; the paper's
/// Sec. 3.3 only shows the result). Counts are kept, not frequencies, so statistics can be merged exactly.</summary>
public sealed class CodeStatistics
{
    const string FormatName = "ridcp-chm-stats";
    const int FormatVersion = 1;

    readonly long[] counts;

    public CodeStatistics(int codebookSize, string stage = "")
    {
        if (codebookSize < 1) throw new ArgumentOutOfRangeException(nameof(codebookSize), "the codebook needs at least one entry");
        counts = new long[codebookSize];
        Stage = stage;
    }

    /// <summary>"hq" (clear images, VQGAN) or "lq" (hazy images, dehazer with plain nearest matching); free text.</summary>
    public string Stage { get; }
    public int CodebookSize => counts.Length;
    public int Images { get; private set; }
    public long Tokens { get; private set; }
    public ReadOnlySpan<long> Counts => counts;

    /// <summary>Adds the code indices of one image (any layout: [1,1,h,w] flattened is fine).</summary>
    public void AddImage(ReadOnlySpan<long> indices)
    {
        foreach (long k in indices)
        {
            if ((ulong)k >= (ulong)counts.Length)
                throw new ArgumentOutOfRangeException(nameof(indices), $"code index {k} outside a codebook of {counts.Length}");
        }
        foreach (long k in indices) counts[k]++;
        Images++;
        Tokens += indices.Length;
    }

    /// <summary>Adds precomputed counts (e.g. another statistics object, or one image's histogram).</summary>
    public void AddCounts(ReadOnlySpan<long> imageCounts, int images)
    {
        if (imageCounts.Length != counts.Length)
            throw new ArgumentException($"counts for {imageCounts.Length} codes added to statistics of {counts.Length}");
        long total = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            if (imageCounts[k] < 0) throw new ArgumentException("negative count");
            counts[k] += imageCounts[k];
            total += imageCounts[k];
        }
        Images += images;
        Tokens += total;
    }

    /// <summary>p_k = count_k / tokens (all zeros when nothing was counted).</summary>
    public double[] Frequencies() => ToFrequencies(counts);

    public static double[] ToFrequencies(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (long c in counts) total += c;
        var p = new double[counts.Length];
        if (total == 0) return p;
        for (int k = 0; k < p.Length; k++) p[k] = (double)counts[k] / total;
        return p;
    }

    /// <summary>Writes the statistics as JSON (counts, and frequencies for readers in other languages), atomically.</summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["stage"] = Stage,
            ["codebook_size"] = CodebookSize,
            ["images"] = Images,
            ["tokens"] = Tokens,
            ["counts"] = new JsonArray(counts.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
            ["frequencies"] = new JsonArray(Frequencies().Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
        };
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
    }

    /// <summary>Reads statistics written by <see cref="Save"/>; throws InvalidDataException with the reason when the
    /// file is not such a file or is inconsistent (counts not summing to tokens, negative counts).</summary>
    public static CodeStatistics Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"statistics file not found: {path}", path);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not valid JSON: {e.Message}"); }
        if (root is not JsonObject o || (string?)o["format"] != FormatName)
            throw new InvalidDataException($"{path} is not a code statistics file (format \"{FormatName}\" expected)");
        try
        {
            int version = (int)o["version"]!;
            if (version != FormatVersion) throw new InvalidDataException($"{path}: unsupported statistics version {version}");
            int size = (int)o["codebook_size"]!;
            var countArray = o["counts"] as JsonArray ?? throw new InvalidDataException($"{path}: no counts");
            if (countArray.Count != size) throw new InvalidDataException($"{path}: {countArray.Count} counts for a codebook of {size}");
            var stats = new CodeStatistics(size, (string?)o["stage"] ?? "");
            var c = countArray.Select(n => (long)n!).ToArray();
            stats.AddCounts(c, (int)o["images"]!);
            long tokens = (long)o["tokens"]!;
            if (tokens != stats.Tokens) throw new InvalidDataException($"{path}: counts sum to {stats.Tokens}, file says {tokens} tokens");
            return stats;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: malformed statistics ({e.Message})");
        }
    }
}
