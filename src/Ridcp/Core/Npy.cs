using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Ridcp.Core;

/// <summary>A NumPy array read from a .npy file: its shape and its values widened to double (or kept as
/// long for integer arrays, see <see cref="Int64"/>).</summary>
public sealed record NpyArray(long[] Shape, string Dtype, double[] Values, long[]? Int64)
{
    public long Count => Values.Length;
    public float[] ToFloat32() => Array.ConvertAll(Values, v => (float)v);
}

/// <summary>Reads NumPy .npy files (format 1.0 to 3.0): float32, float64, int64, int32, uint16, uint8, bool,
/// little- or big-endian, C or Fortran order (Fortran arrays are returned in C order).</summary>
public static partial class Npy
{
    public static NpyArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"file not found: {path}", path);
        if (!RegularFile.HasData(path)) throw new InvalidDataException($"{path} is empty or not a regular file (not a .npy file)");
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    /// <summary>Reads one array; every failure (empty or truncated file, bad header, absurd shape) is an
    /// <see cref="InvalidDataException"/> naming <paramref name="name"/>.</summary>
    public static NpyArray Read(Stream s, string name = "array")
    {
        try { return ReadArray(s, name); }
        catch (EndOfStreamException) { throw new InvalidDataException(s.CanSeek && s.Length == 0 ? $"{name} is empty (not a .npy file)" : $"{name} is truncated"); }
        catch (Exception e) when (e is FormatException or OverflowException) { throw new InvalidDataException($"bad .npy header in {name}: {e.Message}", e); }
    }

    /// <summary>Most values a .npy file may hold: 2^28 (2 GiB as doubles); depth maps and fixtures are far smaller.</summary>
    const long MaxValues = 1L << 28;

    static NpyArray ReadArray(Stream s, string name)
    {
        Span<byte> head = stackalloc byte[10];
        s.ReadExactly(head[..8]);
        if (head[0] != 0x93 || Encoding.ASCII.GetString(head[1..6]) != "NUMPY")
            throw new InvalidDataException($"not a .npy file: {name}");
        int major = head[6];
        int headerLen;
        if (major == 1) { s.ReadExactly(head[..2]); headerLen = BinaryPrimitives.ReadUInt16LittleEndian(head); }
        else { s.ReadExactly(head[..4]); headerLen = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(head)); }
        if (headerLen > 1 << 20) throw new InvalidDataException($"implausible .npy header in {name}");
        var header = new byte[headerLen];
        s.ReadExactly(header);
        string h = Encoding.Latin1.GetString(header);
        string descr = DescrRe().Match(h) is { Success: true } m ? m.Groups[1].Value : throw new InvalidDataException($"no dtype in {name}");
        bool fortran = h.Contains("'fortran_order': True");
        var shapeText = ShapeRe().Match(h) is { Success: true } sm ? sm.Groups[1].Value : throw new InvalidDataException($"no shape in {name}");
        long[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray();
        if (shape.Any(d => d < 0)) throw new InvalidDataException($"negative dimension in the shape of {name}");
        long count = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (count > MaxValues) throw new InvalidDataException($"{name} declares {count} values; at most {MaxValues} are read");
        bool big = descr[0] == '>';
        string kind = descr.TrimStart('<', '>', '|', '=');
        int size = kind switch { "f4" => 4, "f8" => 8, "i8" => 8, "i4" => 4, "u2" => 2, "u1" => 1, "b1" => 1, "i2" => 2, "u4" => 4, _ => throw new InvalidDataException($"unsupported dtype {descr} in {name}") };
        if (!s.CanSeek) throw new ArgumentException("a .npy stream must be seekable (its length bounds what is allocated)");
        if (s.Length - s.Position < count * size)
            throw new InvalidDataException($"{name} is truncated: needs {count * size} data bytes, has {s.Length - s.Position}");
        var raw = new byte[checked(count * size)];
        s.ReadExactly(raw);
        var values = new double[count];
        long[]? ints = kind is "i8" or "i4" or "u2" or "u1" or "i2" or "u4" ? new long[count] : null;
        for (long i = 0; i < count; i++)
        {
            var b = raw.AsSpan((int)(i * size), size);
            if (big && size > 1) { var tmp = b.ToArray(); Array.Reverse(tmp); b = tmp; }
            switch (kind)
            {
                case "f4": values[i] = BinaryPrimitives.ReadSingleLittleEndian(b); break;
                case "f8": values[i] = BinaryPrimitives.ReadDoubleLittleEndian(b); break;
                case "i8": ints![i] = BinaryPrimitives.ReadInt64LittleEndian(b); values[i] = ints[i]; break;
                case "i4": ints![i] = BinaryPrimitives.ReadInt32LittleEndian(b); values[i] = ints[i]; break;
                case "i2": ints![i] = BinaryPrimitives.ReadInt16LittleEndian(b); values[i] = ints[i]; break;
                case "u4": ints![i] = BinaryPrimitives.ReadUInt32LittleEndian(b); values[i] = ints[i]; break;
                case "u2": ints![i] = BinaryPrimitives.ReadUInt16LittleEndian(b); values[i] = ints[i]; break;
                case "u1": ints![i] = b[0]; values[i] = b[0]; break;
                case "b1": values[i] = b[0] != 0 ? 1 : 0; break;
            }
        }
        if (fortran && shape.Length > 1) (values, ints) = FortranToC(shape, values, ints);
        return new NpyArray(shape, kind, values, ints);
    }

    static (double[], long[]?) FortranToC(long[] shape, double[] v, long[]? ints)
    {
        int n = shape.Length;
        var outV = new double[v.Length];
        var outI = ints is null ? null : new long[v.Length];
        var idx = new long[n];
        for (long c = 0; c < v.Length; c++)
        {
            // c is the C-order flat index; compute the Fortran-order flat index of the same element
            long rem = c;
            for (int d = n - 1; d >= 0; d--) { idx[d] = rem % shape[d]; rem /= shape[d]; }
            long f = 0, stride = 1;
            for (int d = 0; d < n; d++) { f += idx[d] * stride; stride *= shape[d]; }
            outV[c] = v[f];
            if (outI is not null) outI[c] = ints![f];
        }
        return (outV, outI);
    }

    /// <summary>Writes a float32 little-endian C-order .npy file (format 1.0), atomically.</summary>
    public static void WriteFloat32(string path, long[] shape, ReadOnlySpan<float> values)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        string header = dict + new string(' ', pad) + "\n";
        var bytes = new byte[10 + header.Length + values.Length * 4];
        bytes[0] = 0x93; Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1); bytes[6] = 1; bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 10);
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(10 + header.Length + 4 * i), values[i]);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")] private static partial Regex DescrRe();
    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")] private static partial Regex ShapeRe();
}
