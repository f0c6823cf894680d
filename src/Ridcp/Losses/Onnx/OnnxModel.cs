using System.Runtime.InteropServices;
using Google.Protobuf;

namespace Ridcp.Losses.Onnx;

/// <summary>One ONNX node: op type, input and output names, integer / float attributes.</summary>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, long[]> Ints, IReadOnlyDictionary<string, float> Floats);

/// <summary>One float32 initialiser.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Values);

/// <summary>The parts of an ONNX model a feature extractor needs: the nodes in graph order, the float
/// initialisers, the graph's input and output names. Parsed with a hand-written protobuf reader
/// (onnx.proto: ModelProto.graph = 7; GraphProto.node = 1, initializer = 5, input = 11, output = 12;
/// NodeProto.input = 1, output = 2, op_type = 4, attribute = 5; AttributeProto.name = 1, f = 2, i = 3, ints = 8;
/// TensorProto.dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9; ValueInfoProto.name = 1).</summary>
public sealed class OnnxModel
{
    private const int FloatDataType = 1;

    public List<OnnxNode> Nodes { get; } = [];
    public Dictionary<string, OnnxTensor> Initializers { get; } = [];
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];

    public static OnnxModel Read(string path)
    {
        try { return Parse(File.ReadAllBytes(path), path); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"{path}: not a valid ONNX file ({e.Message})", e); }
    }

    static OnnxModel Parse(byte[] bytes, string path)
    {
        var model = new OnnxModel();
        var r = new CodedInputStream(bytes);
        bool sawGraph = false;
        while (!r.IsAtEnd)
        {
            var (field, wt) = Tag(r);
            if (field == 7 && wt == WireFormat.WireType.LengthDelimited) { model.ReadGraph(r.ReadBytes()); sawGraph = true; }
            else r.SkipLastField();
        }
        if (!sawGraph) throw new InvalidDataException($"{path}: no ONNX graph found");
        return model;
    }

    private void ReadGraph(ByteString g)
    {
        var r = g.CreateCodedInput();
        while (!r.IsAtEnd)
        {
            var (field, wt) = Tag(r);
            switch (field)
            {
                case 1 when wt == WireFormat.WireType.LengthDelimited: Nodes.Add(ReadNode(r.ReadBytes())); break;
                case 5 when wt == WireFormat.WireType.LengthDelimited:
                    var t = ReadTensor(r.ReadBytes());
                    Initializers.TryAdd(t.Name, t);
                    break;
                case 11 when wt == WireFormat.WireType.LengthDelimited: Inputs.Add(ReadValueInfoName(r.ReadBytes())); break;
                case 12 when wt == WireFormat.WireType.LengthDelimited: Outputs.Add(ReadValueInfoName(r.ReadBytes())); break;
                default: r.SkipLastField(); break;
            }
        }
    }

    private static string ReadValueInfoName(ByteString b)
    {
        var r = b.CreateCodedInput();
        while (!r.IsAtEnd)
        {
            var (field, wt) = Tag(r);
            if (field == 1 && wt == WireFormat.WireType.LengthDelimited) return r.ReadString();
            r.SkipLastField();
        }
        return "";
    }

    private static OnnxNode ReadNode(ByteString b)
    {
        var inputs = new List<string>(); var outputs = new List<string>();
        string op = "";
        var ints = new Dictionary<string, long[]>(); var floats = new Dictionary<string, float>();
        var r = b.CreateCodedInput();
        while (!r.IsAtEnd)
        {
            var (field, wt) = Tag(r);
            switch (field)
            {
                case 1 when wt == WireFormat.WireType.LengthDelimited: inputs.Add(r.ReadString()); break;
                case 2 when wt == WireFormat.WireType.LengthDelimited: outputs.Add(r.ReadString()); break;
                case 4 when wt == WireFormat.WireType.LengthDelimited: op = r.ReadString(); break;
                case 5 when wt == WireFormat.WireType.LengthDelimited: ReadAttribute(r.ReadBytes(), ints, floats); break;
                default: r.SkipLastField(); break;
            }
        }
        return new OnnxNode(op, inputs, outputs, ints, floats);
    }

    private static void ReadAttribute(ByteString b, Dictionary<string, long[]> ints, Dictionary<string, float> floats)
    {
        string name = "";
        float? f = null;
        var list = new List<long>();
        var r = b.CreateCodedInput();
        while (!r.IsAtEnd)
        {
            var (field, wt) = Tag(r);
            switch (field)
            {
                case 1 when wt == WireFormat.WireType.LengthDelimited: name = r.ReadString(); break;
                case 2 when wt == WireFormat.WireType.Fixed32: f = r.ReadFloat(); break;
                case 3 when wt == WireFormat.WireType.Varint: list.Add(r.ReadInt64()); break;
                case 8: ReadInt64s(r, wt, list); break;
                default: r.SkipLastField(); break;
            }
        }
        if (f is float fv) floats[name] = fv;
        if (list.Count > 0) ints[name] = list.ToArray();
    }

    private static OnnxTensor ReadTensor(ByteString b)
    {
        var dims = new List<long>();
        string name = "";
        int dataType = 0;
        float[]? values = null;
        var r = b.CreateCodedInput();
        while (!r.IsAtEnd)
        {
            var (field, wt) = Tag(r);
            switch (field)
            {
                case 1: ReadInt64s(r, wt, dims); break;
                case 2 when wt == WireFormat.WireType.Varint: dataType = r.ReadInt32(); break;
                case 4 when wt == WireFormat.WireType.LengthDelimited: values = MemoryMarshal.Cast<byte, float>(r.ReadBytes().Span).ToArray(); break;
                case 8 when wt == WireFormat.WireType.LengthDelimited: name = r.ReadString(); break;
                case 9 when wt == WireFormat.WireType.LengthDelimited: values = MemoryMarshal.Cast<byte, float>(r.ReadBytes().Span).ToArray(); break;
                default: r.SkipLastField(); break;
            }
        }
        if (dataType != FloatDataType) throw new InvalidDataException($"ONNX initialiser '{name}' is not float32 (type {dataType})");
        values ??= [];
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (values.Length != count) throw new InvalidDataException($"ONNX initialiser '{name}' has {values.Length} values for dims [{string.Join(",", dims)}]");
        return new OnnxTensor(name, dims.ToArray(), values);
    }

    static (int Field, WireFormat.WireType WireType) Tag(CodedInputStream r)
    {
        uint tag = r.ReadTag();
        return (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag));
    }

    /// <summary>A repeated int64 field, packed (one length-delimited run) or not (one varint per tag).</summary>
    static void ReadInt64s(CodedInputStream r, WireFormat.WireType wt, List<long> into)
    {
        if (wt == WireFormat.WireType.Varint) { into.Add(r.ReadInt64()); return; }
        if (wt != WireFormat.WireType.LengthDelimited) { r.SkipLastField(); return; }
        var packed = r.ReadBytes().CreateCodedInput();
        while (!packed.IsAtEnd) into.Add(packed.ReadInt64());
    }
}
