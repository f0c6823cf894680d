using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>Copies a state dict into a module by name — its parameters and persistent buffers, i.e. the entries of
/// <c>module.state_dict()</c> — like PyTorch's <c>load_state_dict</c>: strict by default (any missing or unexpected
/// key fails), non-strict reports them and loads the rest; a shape mismatch fails either way. Everything is checked
/// before the first copy, so a failure leaves the module as it was. Values are copied under no_grad, converted to
/// the module tensor's dtype and device when they differ.</summary>
public static class StateDictLoader
{
    public static LoadReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !target.ContainsKey(k)).ToList();
        var mismatches = new List<ShapeMismatch>();
        var loaded = new List<string>();
        var conversions = new List<string>();
        foreach (var (key, dest) in target)
        {
            if (!stateDict.TryGetValue(key, out var src)) continue;
            if (!src.shape.SequenceEqual(dest.shape)) { mismatches.Add(new ShapeMismatch(key, src.shape, dest.shape)); continue; }
            loaded.Add(key);
            if (src.dtype != dest.dtype) conversions.Add($"{key}: {src.dtype} -> {dest.dtype}");
        }
        var report = new LoadReport(missing, unexpected, mismatches, loaded, conversions);
        if (mismatches.Count > 0 || (strict && !report.IsExact)) throw new CheckpointMismatchException(report);
        RequireFinite(loaded.Select(k => new KeyValuePair<string, Tensor>(k, stateDict[k])), "checkpoint");

        using (no_grad())
            foreach (var key in loaded) target[key].copy_(stateDict[key]);
        return report;
    }

    /// <summary>Refuses weights holding NaN or infinity, naming the first such tensor: one of them turns every output
    /// into a black or flat image without any other sign.</summary>
    /// <exception cref="CheckpointFormatException">a floating-point tensor holds a non-finite value</exception>
    public static void RequireFinite(IEnumerable<KeyValuePair<string, Tensor>> tensors, string source)
    {
        foreach (var (key, t) in tensors)
        {
            if (!t.is_floating_point() || t.numel() == 0) continue;
            using var scope = NewDisposeScope();
            long bad = (~isfinite(t)).sum().item<long>();
            if (bad > 0)
                throw new CheckpointFormatException($"{source}: tensor '{key}' holds {bad} non-finite value{(bad == 1 ? "" : "s")} (NaN or infinity) of {t.numel()}");
        }
    }

    /// <summary>Reads the state dict of a checkpoint file (<see cref="TorchCheckpoint.ReadStateDict"/>) and loads it;
    /// the file's tensors are freed afterwards. Notes of the reading (params_ema fallback, stripped prefix) come back
    /// through <paramref name="notes"/>.</summary>
    public static LoadReport Load(nn.Module module, string path, out IReadOnlyList<string> notes, bool strict = true, bool preferEma = false)
    {
        using var sd = TorchCheckpoint.ReadStateDict(path, preferEma);
        notes = sd.Notes;
        return Load(module, sd, strict);
    }
}
