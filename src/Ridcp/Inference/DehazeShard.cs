using System.Globalization;

namespace Ridcp.Inference;

/// <summary>Part K of N of a folder run (`ridcp dehaze DIR --shard K/N`), so that N independent jobs — a Slurm job
/// array (SLURM_ARRAY_TASK_ID), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) — share a folder with no
/// coordination: the inputs in ordinal file-name order are dealt round-robin, item i going to shard i mod N. Every
/// job lists the same folder, so the parts are disjoint, cover every image, and differ in size by at most one.
/// K counts from 0, as both array indices do.</summary>
public readonly record struct DehazeShard(int Index, int Count)
{
    public static readonly DehazeShard Whole = new(0, 1);

    /// <summary>Parses "K/N" (0 ≤ K &lt; N).</summary>
    public static DehazeShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && k < n)
            return new DehazeShard(k, n);
        throw new ArgumentException($"--shard must be K/N with 0 <= K < N (e.g. 0/4 .. 3/4), got '{text}'");
    }

    /// <summary>This shard's items, in their order. <paramref name="items"/> must be in file-name order
    /// (<see cref="DehazePlan.Make"/> lists folders that way).</summary>
    public IReadOnlyList<DehazeItem> Select(IReadOnlyList<DehazeItem> items)
    {
        var (index, count) = (Index, Count);
        return count == 1 ? items : items.Where((_, i) => i % count == index).ToList();
    }

    public override string ToString() => $"{Index}/{Count}";
}
