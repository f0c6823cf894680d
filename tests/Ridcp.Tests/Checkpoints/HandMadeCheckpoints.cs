using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Ridcp.Tests.Checkpoints;

/// <summary>Builds small pickles and zip checkpoints byte by byte, for the cases torch itself never writes (foreign
/// globals, sizes that lie, big-endian data).</summary>
public static class HandMadeCheckpoints
{
    /// <summary>Protocol-2 pickle of <c>_rebuild_tensor_v2(('storage', torch.FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict())</c>.</summary>
    public static byte[] BareFloatTensorPickle(long numel, long offset, long[] size, long[] stride)
    {
        var p = new List<byte> { 0x80, 2 };
        Global(p, "torch._utils", "_rebuild_tensor_v2");
        p.Add((byte)'(');
        p.Add((byte)'('); Str(p, "storage"); Global(p, "torch", "FloatStorage"); Str(p, "0"); Str(p, "cpu"); Int(p, numel); p.Add((byte)'t'); p.Add((byte)'Q');
        Int(p, offset);
        p.Add((byte)'('); foreach (var s in size) Int(p, s); p.Add((byte)'t');
        p.Add((byte)'('); foreach (var s in stride) Int(p, s); p.Add((byte)'t');
        p.Add(0x89);
        Global(p, "collections", "OrderedDict"); p.Add((byte)')'); p.Add((byte)'R');
        p.Add((byte)'t'); p.Add((byte)'R'); p.Add((byte)'.');
        return p.ToArray();
    }

    /// <summary>A pickle that calls <paramref name="module"/>.<paramref name="name"/>("echo pwned") — what a malicious
    /// checkpoint does.</summary>
    public static byte[] ForeignCallPickle(string module, string name)
    {
        var p = new List<byte> { 0x80, 2 };
        Global(p, module, name);
        Str(p, "echo pwned");
        p.Add(0x85);   // TUPLE1
        p.Add((byte)'R');
        p.Add((byte)'.');
        return p.ToArray();
    }

    /// <summary>A zip checkpoint with folder <paramref name="folder"/>/ holding the given entries.</summary>
    public static void WriteZip(string path, string folder, params (string Name, byte[] Data)[] entries)
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, data) in entries)
        {
            var e = zip.CreateEntry(folder + "/" + name, CompressionLevel.NoCompression);
            using var s = e.Open();
            s.Write(data);
        }
    }

    public static byte[] FloatsLittleEndian(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    public static byte[] FloatsBigEndian(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleBigEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    static void Global(List<byte> p, string module, string name)
    {
        p.Add((byte)'c');
        p.AddRange(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
    }

    static void Str(List<byte> p, string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        p.Add((byte)'X');
        p.AddRange(BitConverter.GetBytes((uint)b.Length));
        p.AddRange(b);
    }

    static void Int(List<byte> p, long v)
    {
        p.Add((byte)'J');
        p.AddRange(BitConverter.GetBytes(checked((int)v)));
    }
}
