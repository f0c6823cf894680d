using System.Text;

namespace Ridcp.Tests.Synthesis;

/// <summary>Hand-encoded ONNX models for tests (protobuf wire format, onnx.proto field numbers): one ReduceMean over
/// the channel axis, i.e. "depth" = mean of the normalised R, G, B. Input [1,3,H,W] float, output [1,1,H,W].</summary>
static class TinyOnnx
{
    /// <summary>height/width null = a symbolic (dynamic) dimension.</summary>
    public static byte[] ReduceMeanOverChannels(int? height, int? width)
    {
        var node = Msg(w =>
        {
            w.Str(1, "image"); w.Str(2, "depth"); w.Str(3, "mean_rgb"); w.Str(4, "ReduceMean");
            w.Bytes(5, Msg(a => { a.Str(1, "axes"); a.Varint(8, 1); a.Varint(20, 7); }));      // ints [1], type INTS
            w.Bytes(5, Msg(a => { a.Str(1, "keepdims"); a.Varint(3, 1); a.Varint(20, 2); })); // i 1, type INT
        });
        var graph = Msg(g =>
        {
            g.Bytes(1, node);
            g.Str(2, "tiny_depth");
            g.Bytes(11, ValueInfo("image", [1, 3, height, width], ["N", "C", "H", "W"]));
            g.Bytes(12, ValueInfo("depth", [1, 1, height, width], ["N", "C", "H", "W"]));
        });
        return Msg(m =>
        {
            m.Varint(1, 7);                       // ir_version
            m.Str(2, "ridcp-tests");              // producer_name
            m.Bytes(7, graph);
            m.Bytes(8, Msg(o => { o.Str(1, ""); o.Varint(2, 13); })); // opset_import: default domain, opset 13
        });
    }

    static byte[] ValueInfo(string name, int?[] dims, string[] names) => Msg(v =>
    {
        v.Str(1, name);
        v.Bytes(2, Msg(t => t.Bytes(1, Msg(tt =>
        {
            tt.Varint(1, 1); // elem_type FLOAT
            tt.Bytes(2, Msg(shape =>
            {
                for (int i = 0; i < dims.Length; i++)
                    shape.Bytes(1, Msg(d => { if (dims[i] is { } n) d.Varint(1, (ulong)n); else d.Str(2, names[i]); }));
            }));
        }))));
    });

    sealed class Writer
    {
        public readonly MemoryStream S = new();
        void Tag(int field, int wire) => Raw((ulong)(field << 3 | wire));
        void Raw(ulong v) { while (v >= 0x80) { S.WriteByte((byte)(v | 0x80)); v >>= 7; } S.WriteByte((byte)v); }
        public void Varint(int field, ulong v) { Tag(field, 0); Raw(v); }
        public void Bytes(int field, byte[] b) { Tag(field, 2); Raw((ulong)b.Length); S.Write(b); }
        public void Str(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));
    }

    static byte[] Msg(Action<Writer> build) { var w = new Writer(); build(w); return w.S.ToArray(); }
}
