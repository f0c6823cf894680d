using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>An ordered name → tensor map read from a checkpoint, with where it came from: <see cref="Section"/> is
/// "params", "params_ema" or "" (top level), <see cref="Notes"/> say what was adapted (a fallback from params_ema to
/// params, a stripped <c>module.</c> prefix). Disposing it frees its tensors.</summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    readonly OrderedDictionary<string, Tensor> _items = new(StringComparer.Ordinal);

    public string Section { get; }
    public IReadOnlyList<string> Notes { get; }

    public StateDict(IEnumerable<KeyValuePair<string, Tensor>> items, string section = "", IReadOnlyList<string>? notes = null)
    {
        foreach (var (k, v) in items) _items.Add(k, v);
        Section = section;
        Notes = notes ?? [];
    }

    public Tensor this[string key] => _items[key];
    public IEnumerable<string> Keys => _items.Keys;
    public IEnumerable<Tensor> Values => _items.Values;
    public int Count => _items.Count;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var t in _items.Values) t.Dispose();
    }
}
