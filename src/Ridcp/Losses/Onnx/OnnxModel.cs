using System.Runtime.InteropServices;
using System.Text;

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
        byte[] bytes = File.ReadAllBytes(path);
        var model = new OnnxModel();
        var r = new ProtoReader(bytes);
        bool sawGraph = false;
        while (!r.End)
        {
            var (field, wt) = r.ReadTag();
            if (field == 7 && wt == 2) { model.ReadGraph(r.ReadBytes()); sawGraph = true; }
            else r.Skip(wt);
        }
        if (!sawGraph) throw new InvalidDataException($"{path}: no ONNX graph found");
        return model;
    }

    private void ReadGraph(ReadOnlySpan<byte> g)
    {
        var r = new ProtoReader(g);
        while (!r.End)
        {
            var (field, wt) = r.ReadTag();
            switch (field)
            {
                case 1 when wt == 2: Nodes.Add(ReadNode(r.ReadBytes())); break;
                case 5 when wt == 2:
                    var t = ReadTensor(r.ReadBytes());
                    Initializers.TryAdd(t.Name, t);
                    break;
                case 11 when wt == 2: Inputs.Add(ReadValueInfoName(r.ReadBytes())); break;
                case 12 when wt == 2: Outputs.Add(ReadValueInfoName(r.ReadBytes())); break;
                default: r.Skip(wt); break;
            }
        }
    }

    private static string ReadValueInfoName(ReadOnlySpan<byte> b)
    {
        var r = new ProtoReader(b);
        while (!r.End)
        {
            var (field, wt) = r.ReadTag();
            if (field == 1 && wt == 2) return Encoding.UTF8.GetString(r.ReadBytes());
            r.Skip(wt);
        }
        return "";
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> b)
    {
        var inputs = new List<string>(); var outputs = new List<string>();
        string op = "";
        var ints = new Dictionary<string, long[]>(); var floats = new Dictionary<string, float>();
        var r = new ProtoReader(b);
        while (!r.End)
        {
            var (field, wt) = r.ReadTag();
            switch (field)
            {
                case 1 when wt == 2: inputs.Add(Encoding.UTF8.GetString(r.ReadBytes())); break;
                case 2 when wt == 2: outputs.Add(Encoding.UTF8.GetString(r.ReadBytes())); break;
                case 4 when wt == 2: op = Encoding.UTF8.GetString(r.ReadBytes()); break;
                case 5 when wt == 2: ReadAttribute(r.ReadBytes(), ints, floats); break;
                default: r.Skip(wt); break;
            }
        }
        return new OnnxNode(op, inputs, outputs, ints, floats);
    }

    private static void ReadAttribute(ReadOnlySpan<byte> b, Dictionary<string, long[]> ints, Dictionary<string, float> floats)
    {
        string name = "";
        float? f = null;
        var list = new List<long>();
        var r = new ProtoReader(b);
        while (!r.End)
        {
            var (field, wt) = r.ReadTag();
            switch (field)
            {
                case 1 when wt == 2: name = Encoding.UTF8.GetString(r.ReadBytes()); break;
                case 2 when wt == 5: f = r.ReadFixed32Float(); break;
                case 3 when wt == 0: list.Add((long)r.ReadVarint()); break;
                case 8: r.ReadInt64s(wt, list); break;
                default: r.Skip(wt); break;
            }
        }
        if (f is float fv) floats[name] = fv;
        if (list.Count > 0) ints[name] = list.ToArray();
    }

    private static OnnxTensor ReadTensor(ReadOnlySpan<byte> b)
    {
        var dims = new List<long>();
        string name = "";
        int dataType = 0;
        float[]? values = null;
        var r = new ProtoReader(b);
        while (!r.End)
        {
            var (field, wt) = r.ReadTag();
            switch (field)
            {
                case 1: r.ReadInt64s(wt, dims); break;
                case 2 when wt == 0: dataType = (int)r.ReadVarint(); break;
                case 4 when wt == 2: values = MemoryMarshal.Cast<byte, float>(r.ReadBytes()).ToArray(); break;
                case 8 when wt == 2: name = Encoding.UTF8.GetString(r.ReadBytes()); break;
                case 9 when wt == 2: values = MemoryMarshal.Cast<byte, float>(r.ReadBytes()).ToArray(); break;
                default: r.Skip(wt); break;
            }
        }
        if (dataType != FloatDataType) throw new InvalidDataException($"ONNX initialiser '{name}' is not float32 (type {dataType})");
        values ??= [];
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (values.Length != count) throw new InvalidDataException($"ONNX initialiser '{name}' has {values.Length} values for dims [{string.Join(",", dims)}]");
        return new OnnxTensor(name, dims.ToArray(), values);
    }
}
