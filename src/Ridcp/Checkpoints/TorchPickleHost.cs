using System.Text;

namespace Ridcp.Checkpoints;

/// <summary>The allow-list of a checkpoint pickle, modelled on torch.load(weights_only=True): the containers and
/// tensor-rebuild functions of a state dict, storage classes (through persistent ids), torch.Size, torch.device, a
/// few builtins and <c>_codecs.encode</c> (how protocol 2 spells bytes). Any other global is refused by name before
/// anything is called. Tensors come out as <see cref="PendingTensor"/>; storages are collected in
/// <see cref="Storages"/> for the size checks that precede any allocation.</summary>
internal sealed class TorchPickleHost(string source) : IPickleHost
{
    static readonly HashSet<string> Allowed =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
        "torch.Size", "torch.device",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage",
        "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage",
        "torch.UntypedStorage", "torch.storage.UntypedStorage",
        "builtins.set", "builtins.frozenset", "builtins.list", "builtins.tuple", "builtins.dict",
        "builtins.int", "builtins.float", "builtins.str", "builtins.bool",
        "_codecs.encode",
    ];

    readonly Dictionary<string, StorageRef> _storages = [];

    public IReadOnlyCollection<StorageRef> Storages => _storages.Values;
    public List<PendingTensor> Tensors { get; } = [];

    public object ResolveGlobal(string module, string name)
    {
        if (module == "__builtin__") module = "builtins";   // Python 2 pickles
        string full = module + "." + name;
        if (!Allowed.Contains(full))
            throw new CheckpointFormatException(
                $"checkpoint refers to a foreign Python global '{full}' in '{source}': a checkpoint may only hold tensors and " +
                "plain data (the globals a state dict needs, as torch.load(weights_only=True) allows), so it was not loaded");
        return new PickleGlobal(full);
    }

    public object? Call(object? callable, object?[] args)
    {
        if (callable is not PickleGlobal g) throw Damaged($"call of {CheckpointDict.PythonTypeName(callable)}");
        return g.FullName switch
        {
            "collections.OrderedDict" => NewDict(args, ordered: true),
            "builtins.dict" => NewDict(args, ordered: false),
            "torch._utils._rebuild_tensor_v2" => RebuildTensor(args),
            "torch._utils._rebuild_parameter" or "torch._utils._rebuild_parameter_with_state" =>
                args.Length >= 1 && args[0] is PendingTensor t ? t : throw Damaged("_rebuild_parameter without a tensor"),
            "torch.Size" => args.Length == 1 && args[0] is IReadOnlyList<object?> dims ? dims.Select(d => (object?)AsLong(d, "torch.Size")).ToArray() : throw Damaged("bad torch.Size"),
            "torch.device" => args switch
            {
                [string type] => type,
                [string type, long index] => $"{type}:{index}",
                _ => throw Damaged("bad torch.device"),
            },
            "builtins.set" or "builtins.frozenset" or "builtins.list" => args switch
            {
                [] => new List<object?>(),
                [IReadOnlyList<object?> items] => new List<object?>(items),
                _ => throw Damaged($"bad {g.FullName} call"),
            },
            "builtins.tuple" => args switch { [] => Array.Empty<object?>(), [IReadOnlyList<object?> items] => items.ToArray(), _ => throw Damaged("bad tuple call") },
            "builtins.int" => args is [long or System.Numerics.BigInteger] ? args[0] : throw Damaged("bad int call"),
            "builtins.float" => args switch { [double d] => d, [long l] => (double)l, _ => throw Damaged("bad float call") },
            "builtins.str" => args is [string] ? args[0] : throw Damaged("bad str call"),
            "builtins.bool" => args is [bool] ? args[0] : throw Damaged("bad bool call"),
            "_codecs.encode" => Encode(args),
            _ => throw Damaged($"{g.FullName} cannot be called"),
        };
    }

    public void Build(object? target, object? state)
    {
        // OrderedDict.__reduce__ passes the instance __dict__ (torch state dicts carry `_metadata` there); it holds
        // module versions only, which this reader has no use for.
        if (target is CheckpointDict && state is CheckpointDict or null) return;
        throw Damaged($"BUILD of {CheckpointDict.PythonTypeName(target)} is not supported in a checkpoint");
    }

    public object PersistentLoad(object? pid)
    {
        // zip format: ('storage', storage_type, key, location, numel)
        // legacy format: ('storage', storage_type, key, location, numel, view_metadata | None)
        if (pid is not object?[] { Length: 5 or 6 } t || t[0] is not "storage")
            throw Damaged($"persistent id {Describe(pid)} is not a storage");
        if (t[1] is not PickleGlobal { FullName: var typeName }) throw Damaged("storage without a storage type");
        string shortName = typeName[(typeName.LastIndexOf('.') + 1)..];
        var type = TorchStorageType.ByName(shortName) ?? throw Damaged($"storage type {typeName} is not supported");
        string key = t[2] switch { string s => s, long l => l.ToString(), _ => throw Damaged("storage key is not a string") };
        string location = t[3] as string ?? throw Damaged("storage location is not a string");
        long numel = AsLong(t[4], "storage size");
        if (numel < 0) throw Damaged($"storage {key} declares a negative size");

        if (!_storages.TryGetValue(key, out var root))
            _storages[key] = root = new StorageRef(key, type, numel, location, 0, numel);
        else if (root.Type != type || root.Numel != numel)
            throw Damaged($"storage {key} is declared twice with different types or sizes");

        if (t.Length == 6 && t[5] is object?[] { Length: 3 } view)
        {
            long offset = AsLong(view[1], "view offset"), size = AsLong(view[2], "view size");
            if (offset < 0 || size < 0 || offset > numel - size) throw Damaged($"storage view of {key} lies outside the storage");
            return root with { ViewOffset = offset, ViewSize = size };
        }
        if (t.Length == 6 && t[5] is not null) throw Damaged("bad storage view metadata");
        return root;
    }

    object RebuildTensor(object?[] args)
    {
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.Length < 4 || args[0] is not StorageRef storage) throw Damaged("_rebuild_tensor_v2 without a storage");
        long offset = AsLong(args[1], "tensor offset");
        long[] size = AsLongs(args[2], "tensor size"), stride = AsLongs(args[3], "tensor stride");
        if (size.Length != stride.Length) throw Damaged("tensor size and stride differ in length");
        var t = new PendingTensor(storage, offset, size, stride);
        Tensors.Add(t);
        return t;
    }

    static CheckpointDict NewDict(object?[] args, bool ordered)
    {
        var d = new CheckpointDict(ordered);
        if (args is [IReadOnlyList<object?> pairs])
            foreach (var p in pairs)
                if (p is IReadOnlyList<object?> { Count: 2 } kv && kv[0] is string k) d[k] = kv[1];
                else throw new CheckpointFormatException("dict built from something other than (str, value) pairs");
        else if (args is not [] and not [CheckpointDict { Count: 0 }]) throw new CheckpointFormatException("unsupported dict construction in checkpoint");
        return d;
    }

    object Encode(object?[] args) => args switch
    {
        [string s, "latin1" or "latin-1"] => Encoding.Latin1.GetBytes(s),
        [string s, "utf-8" or "utf8"] => Encoding.UTF8.GetBytes(s),
        _ => throw Damaged("unsupported _codecs.encode call"),
    };

    long AsLong(object? v, string what) => v is long l ? l : throw Damaged($"{what} is {CheckpointDict.PythonTypeName(v)}, not an int");

    long[] AsLongs(object? v, string what) =>
        v is IReadOnlyList<object?> items ? items.Select(i => AsLong(i, what)).ToArray() : throw Damaged($"{what} is not a tuple");

    static string Describe(object? pid) => pid is object?[] t ? $"({string.Join(", ", t.Select(x => x?.ToString()))})" : CheckpointDict.PythonTypeName(pid);

    CheckpointFormatException Damaged(string what) => new($"checkpoint '{source}' is damaged or unsupported: {what}");
}
