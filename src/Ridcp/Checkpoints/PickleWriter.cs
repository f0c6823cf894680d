using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace Ridcp.Checkpoints;

/// <summary>Pickles the checkpoint object model the way torch.save does (protocol 2): dicts of string keys, lists,
/// str/int/float/bool/None, bytes (as <c>_codecs.encode(str, 'latin1')</c>) and tensors as
/// <c>torch._utils._rebuild_tensor_v2</c> with persistent id <c>('storage', torch.FloatStorage, key, 'cpu', numel)</c>.
/// A dictionary whose values are typed as tensors (a state dict) becomes a <c>collections.OrderedDict</c>, other
/// dictionaries plain dicts (a <see cref="CheckpointDict"/> keeps its own kind). Each distinct tensor gets one
/// storage key; <see cref="Storages"/> lists them in order.</summary>
internal sealed class PickleWriter
{
    readonly MemoryStream _out = new();
    readonly Dictionary<string, int> _globals = [];
    readonly Dictionary<Tensor, string> _keys = new(ReferenceEqualityComparer.Instance);

    public List<(string Key, Tensor Tensor)> Storages { get; } = [];

    public byte[] Pickle(object? root)
    {
        _out.Write([0x80, 2]);   // PROTO 2
        Write(root, depth: 0);
        _out.WriteByte((byte)'.');
        return _out.ToArray();
    }

    void Write(object? o, int depth)
    {
        if (depth > 100) throw new ArgumentException("checkpoint object nests too deeply (a cycle?)");
        switch (o)
        {
            case null: Op('N'); break;
            case bool b: Op(b ? 0x88 : 0x89); break;
            case string s: Str(s); break;
            case byte[] bytes:
                Global("_codecs", "encode");
                Str(Encoding.Latin1.GetString(bytes)); Str("latin1"); Op(0x86); Op('R');   // TUPLE2 REDUCE
                break;
            case sbyte or byte or short or ushort or int or uint or long: Int(Convert.ToInt64(o)); break;
            case ulong u: Big(u); break;
            case BigInteger big: Big(big); break;
            case float f: Float(f); break;
            case double d: Float(d); break;
            case Tensor t: WriteTensor(t); break;
            case CheckpointDict cd: Dict(cd.Select(kv => (kv.Key, kv.Value)), cd.IsOrderedDict, depth); break;
            case IEnumerable<KeyValuePair<string, Tensor>> sd: Dict(sd.Select(kv => (kv.Key, (object?)kv.Value)), ordered: true, depth); break;
            case IDictionary d: Dict(Entries(d), ordered: false, depth); break;
            case IEnumerable<KeyValuePair<string, object?>> kvs: Dict(kvs.Select(kv => (kv.Key, kv.Value)), ordered: false, depth); break;
            case IEnumerable list:
                Op(']');
                Op('(');
                foreach (var item in list) Write(item, depth + 1);
                Op('e');   // APPENDS
                break;
            default: throw new ArgumentException($"a checkpoint cannot hold a {o.GetType().Name}");
        }
    }

    static IEnumerable<(string, object?)> Entries(IDictionary d)
    {
        foreach (DictionaryEntry e in d)
            yield return (e.Key as string ?? throw new ArgumentException($"checkpoint dict keys must be strings, not {e.Key.GetType().Name}"), e.Value);
    }

    void Dict(IEnumerable<(string Key, object? Value)> items, bool ordered, int depth)
    {
        if (ordered) { Global("collections", "OrderedDict"); Op(')'); Op('R'); }
        else Op('}');
        Op('(');
        foreach (var (k, v) in items) { Str(k); Write(v, depth + 1); }
        Op('u');   // SETITEMS
    }

    void WriteTensor(Tensor t)
    {
        var type = TorchStorageType.ForDtype(t.dtype);
        if (!_keys.TryGetValue(t, out var key))
        {
            key = Storages.Count.ToString();
            _keys[t] = key;
            Storages.Add((key, t));
        }
        long[] shape = t.shape;
        long[] stride = new long[shape.Length];   // written contiguous, C order
        for (long i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--) stride[i] = s;

        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        Op('('); Str("storage"); Global("torch", type.Name); Str(key); Str("cpu"); Int(t.numel()); Op('t'); Op('Q');   // BINPERSID
        Int(0);
        Tuple(shape);
        Tuple(stride);
        Op(0x89);   // requires_grad False
        Global("collections", "OrderedDict"); Op(')'); Op('R');   // backward hooks
        Op('t');
        Op('R');
    }

    void Tuple(long[] values)
    {
        Op('(');
        foreach (var v in values) Int(v);
        Op('t');
    }

    /// <summary>GLOBAL, memoised so each global is spelled out once.</summary>
    void Global(string module, string name)
    {
        string full = module + "\n" + name;
        if (_globals.TryGetValue(full, out int memo)) { Op('h'); _out.WriteByte((byte)memo); return; }
        Op('c');
        _out.Write(Encoding.ASCII.GetBytes(full + "\n"));
        if (_globals.Count < 256) { int id = _globals.Count; _globals[full] = id; Op('q'); _out.WriteByte((byte)id); }
    }

    void Int(long v)
    {
        if (v is >= 0 and < 256) { Op('K'); _out.WriteByte((byte)v); }
        else if (v is >= 0 and < 65536) { Op('M'); Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); _out.Write(b); }
        else if (v is >= int.MinValue and <= int.MaxValue) { Op('J'); Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteInt32LittleEndian(b, (int)v); _out.Write(b); }
        else Big(v);
    }

    void Big(BigInteger v)
    {
        byte[] b = v.ToByteArray(isUnsigned: false, isBigEndian: false);   // two's complement, as LONG1 wants
        Op(0x8a); _out.WriteByte((byte)b.Length); _out.Write(b);
    }

    void Float(double v)
    {
        Op('G');
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, v);
        _out.Write(b);
    }

    void Str(string s)
    {
        byte[] b = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)b.Length);
        _out.Write(len);
        _out.Write(b);
    }

    void Op(int code) => _out.WriteByte((byte)code);
}
