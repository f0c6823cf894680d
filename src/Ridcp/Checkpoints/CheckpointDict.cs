using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>A Python dict of a checkpoint, in insertion order, with string keys (Python int keys, as in optimizer
/// states, arrive as their decimal text). Values are the checkpoint object model: <see cref="CheckpointDict"/>,
/// <c>IReadOnlyList&lt;object?&gt;</c> (list, tuple, set, torch.Size), <see cref="long"/> (or
/// <see cref="System.Numerics.BigInteger"/> beyond 64 bits), <see cref="double"/>, <see cref="bool"/>,
/// <see cref="string"/>, <c>byte[]</c>, <see cref="Tensor"/> or null. Mutable, so it can also be built and handed to
/// <see cref="CheckpointWriter"/>.</summary>
public sealed class CheckpointDict : IReadOnlyDictionary<string, object?>
{
    readonly OrderedDictionary<string, object?> _items = new(StringComparer.Ordinal);

    /// <summary>True for a <c>collections.OrderedDict</c> (what torch state dicts are), false for a plain dict.</summary>
    public bool IsOrderedDict { get; set; }

    public CheckpointDict(bool isOrderedDict = false) => IsOrderedDict = isOrderedDict;

    /// <summary>Gets an entry, or sets one (a new key goes to the end; an existing key keeps its place, as in Python).</summary>
    public object? this[string key]
    {
        get => _items.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"checkpoint has no entry '{key}'");
        set => _items[key] = value;
    }

    public void Add(string key, object? value) => _items.Add(key, value);
    public int Count => _items.Count;
    public IEnumerable<string> Keys => _items.Keys;
    public IEnumerable<object?> Values => _items.Values;
    public bool ContainsKey(string key) => _items.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public CheckpointDict GetDict(string key) => Get<CheckpointDict>(key, "dict");
    public Tensor GetTensor(string key) => Get<Tensor>(key, "tensor");
    public string GetString(string key) => Get<string>(key, "str");
    public bool GetBoolean(string key) => Get<bool>(key, "bool");
    public IReadOnlyList<object?> GetList(string key) => Get<IReadOnlyList<object?>>(key, "list");

    public long GetInt64(string key) => this[key] switch
    {
        long l => l,
        var other => throw WrongType(key, other, "int"),
    };

    /// <summary>A Python float; a Python int is accepted too (Python code writes 1 for 1.0 freely).</summary>
    public double GetDouble(string key) => this[key] switch
    {
        double d => d,
        long l => l,
        var other => throw WrongType(key, other, "float"),
    };

    T Get<T>(string key, string expected) => this[key] is T t ? t : throw WrongType(key, this[key], expected);

    static CheckpointFormatException WrongType(string key, object? value, string expected) =>
        new($"checkpoint entry '{key}' is {PythonTypeName(value)}, expected {expected}");

    /// <summary>The Python name of an object-model value, for messages.</summary>
    public static string PythonTypeName(object? value) => value switch
    {
        null => "None",
        bool => "a bool",
        long or System.Numerics.BigInteger => "an int",
        double => "a float",
        string => "a str",
        byte[] => "bytes",
        Tensor t => $"a tensor [{string.Join(", ", t.shape)}]",
        CheckpointDict => "a dict",
        IReadOnlyList<object?> => "a list",
        _ => value.GetType().Name,
    };
}
