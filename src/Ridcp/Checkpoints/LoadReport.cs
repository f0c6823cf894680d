namespace Ridcp.Checkpoints;

/// <summary>What <see cref="StateDictLoader.Load"/> found: keys the model has but the checkpoint lacks
/// (<see cref="Missing"/>), keys the checkpoint has but the model lacks (<see cref="Unexpected"/>), keys whose shapes
/// differ, the keys actually copied, and dtype conversions made while copying (e.g. "k: Float16 -> Float32").</summary>
public sealed record LoadReport(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> ShapeMismatches,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> DtypeConversions)
{
    /// <summary>True when every model key was loaded and nothing in the checkpoint was left over.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    /// <summary>One line naming every missing key, unexpected key and shape mismatch ("all N keys matched" when exact).</summary>
    public string Describe()
    {
        if (IsExact) return $"all {Loaded.Count} keys matched";
        var parts = new List<string>();
        if (Missing.Count > 0) parts.Add($"{Missing.Count} missing {Keys(Missing.Count)} (in the model, not in the checkpoint): {string.Join(", ", Missing)}");
        if (Unexpected.Count > 0) parts.Add($"{Unexpected.Count} unexpected {Keys(Unexpected.Count)} (in the checkpoint, not in the model): {string.Join(", ", Unexpected)}");
        if (ShapeMismatches.Count > 0) parts.Add($"{ShapeMismatches.Count} shape {(ShapeMismatches.Count == 1 ? "mismatch" : "mismatches")}: {string.Join(", ", ShapeMismatches)}");
        return string.Join("; ", parts);
    }

    static string Keys(int n) => n == 1 ? "key" : "keys";
}
