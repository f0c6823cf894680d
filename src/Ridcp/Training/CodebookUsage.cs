using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>Counts how often each code is chosen. Perplexity = exp(entropy of the usage distribution): 1 when one
/// code does everything, the codebook size when all codes are used equally — the standard VQ health figure
/// (dead codes are the classic VQ failure).</summary>
public sealed class CodebookUsage
{
    private readonly long[] counts;

    public CodebookUsage(int codes) => counts = new long[codes];

    public int Codes => counts.Length;
    public long Total => counts.Sum();
    public int Used => counts.Count(c => c > 0);

    public void Add(Tensor indices)
    {
        using var scope = NewDisposeScope();
        var binc = indices.flatten().to(ScalarType.Int64).cpu().bincount(null, counts.Length);
        var arr = binc.data<long>().ToArray();
        for (int i = 0; i < counts.Length; i++) counts[i] += arr[i];
    }

    public double Perplexity()
    {
        long total = Total;
        if (total == 0) return 0;
        double h = 0;
        foreach (var c in counts)
            if (c > 0) { double p = (double)c / total; h -= p * Math.Log(p); }
        return Math.Exp(h);
    }

    /// <summary>Indices of codes never chosen.</summary>
    public int[] Unused() => Enumerable.Range(0, counts.Length).Where(i => counts[i] == 0).ToArray();

    public void Reset() => Array.Clear(counts);

    /// <summary>The raw counts (saved in checkpoints so that a resumed run re-initialises the same dead codes).</summary>
    public long[] Counts => (long[])counts.Clone();

    public void SetCounts(long[] values)
    {
        if (values.Length != counts.Length) throw new ArgumentException($"expected {counts.Length} code counts, got {values.Length}");
        values.CopyTo(counts, 0);
    }

    public override string ToString() => $"codes used {Used}/{Codes}, perplexity {Perplexity():F1}";
}
