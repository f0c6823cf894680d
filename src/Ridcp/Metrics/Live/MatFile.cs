using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Ridcp.Metrics.Live;

/// <summary>A minimal reader for MATLAB v5 MAT-files (little-endian): real numeric matrices stored directly or inside
/// zlib-compressed (miCOMPRESSED) elements, converted to double. Enough for the LIVE model files; other classes
/// (cells, structs, sparse, complex) are skipped. Format: MathWorks "MAT-File Format" (Level 5).</summary>
public static class MatFile
{
    const int MiInt8 = 1, MiUint8 = 2, MiInt16 = 3, MiUint16 = 4, MiInt32 = 5, MiUint32 = 6, MiSingle = 7,
              MiDouble = 9, MiInt64 = 12, MiUint64 = 13, MiMatrix = 14, MiCompressed = 15;

    /// <summary>A matrix as read: row-major values (converted from MATLAB's column-major order).</summary>
    public sealed record Matrix(string Name, int Rows, int Columns, double[] RowMajor)
    {
        public double this[int r, int c] => RowMajor[r * Columns + c];
    }

    public static Dictionary<string, Matrix> Read(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var bytes = ms.ToArray();
        if (bytes.Length < 128 || !Encoding.ASCII.GetString(bytes, 0, 10).StartsWith("MATLAB 5.0"))
            throw new InvalidDataException("not a MATLAB 5.0 MAT-file");
        if (bytes[126] != (byte)'I' || bytes[127] != (byte)'M')
            throw new InvalidDataException("only little-endian MAT-files are supported");
        var result = new Dictionary<string, Matrix>();
        ReadElements(bytes.AsSpan(128), result);
        return result;
    }

    static void ReadElements(ReadOnlySpan<byte> data, Dictionary<string, Matrix> into)
    {
        int pos = 0;
        while (pos + 8 <= data.Length)
        {
            var (type, size, payloadOffset, next) = Tag(data, pos);
            var payload = data.Slice(payloadOffset, size);
            if (type == MiCompressed)
            {
                using var z = new ZLibStream(new MemoryStream(payload.ToArray()), CompressionMode.Decompress);
                using var outMs = new MemoryStream();
                z.CopyTo(outMs);
                ReadElements(outMs.ToArray(), into);
                pos = payloadOffset + size; // compressed elements are not padded
                continue;
            }
            if (type == MiMatrix)
            {
                var m = ReadMatrix(payload);
                if (m is not null) into[m.Name] = m;
            }
            pos = next;
        }
    }

    /// <summary>Parses a data element tag (normal or small-element format).</summary>
    static (int Type, int Size, int PayloadOffset, int Next) Tag(ReadOnlySpan<byte> data, int pos)
    {
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos));
        if ((first >> 16) != 0)
        {
            // Small data element: size in the upper 16 bits, type in the lower, payload in the next 4 bytes.
            return ((int)(first & 0xFFFF), (int)(first >> 16), pos + 4, pos + 8);
        }
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos + 4));
        int padded = (size + 7) & ~7;
        return ((int)first, size, pos + 8, pos + 8 + padded);
    }

    static Matrix? ReadMatrix(ReadOnlySpan<byte> m)
    {
        int pos = 0;
        var (_, _, flagsOff, next) = Tag(m, pos);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(m.Slice(flagsOff));
        int cls = (int)(flags & 0xFF);
        bool complex = (flags & 0x800) != 0;
        pos = next;
        var (_, dimSize, dimOff, next2) = Tag(m, pos);
        var dims = new int[dimSize / 4];
        for (int i = 0; i < dims.Length; i++) dims[i] = BinaryPrimitives.ReadInt32LittleEndian(m.Slice(dimOff + 4 * i));
        pos = next2;
        var (_, nameSize, nameOff, next3) = Tag(m, pos);
        string name = Encoding.ASCII.GetString(m.Slice(nameOff, nameSize));
        pos = next3;
        // Numeric classes are 6 (double) .. 15 (uint64); skip cells (1), structs (2), objects, chars, sparse (5).
        if (cls < 6 || cls > 15 || complex || dims.Length != 2) return null;
        var (type, size, off, _) = Tag(m, pos);
        var values = ToDoubles(type, m.Slice(off, size));
        int rows = dims[0], cols = dims[1];
        if (values.Length != rows * cols) throw new InvalidDataException($"MAT-file matrix '{name}': {values.Length} values for {rows}x{cols}");
        var rowMajor = new double[values.Length];
        for (int c = 0; c < cols; c++) for (int r = 0; r < rows; r++) rowMajor[r * cols + c] = values[c * rows + r];
        return new Matrix(name, rows, cols, rowMajor);
    }

    static double[] ToDoubles(int type, ReadOnlySpan<byte> p)
    {
        int width = type switch
        {
            MiInt8 or MiUint8 => 1, MiInt16 or MiUint16 => 2, MiInt32 or MiUint32 or MiSingle => 4,
            MiDouble or MiInt64 or MiUint64 => 8,
            _ => throw new InvalidDataException($"unsupported MAT-file data type {type}"),
        };
        var v = new double[p.Length / width];
        for (int i = 0; i < v.Length; i++)
        {
            var s = p.Slice(i * width, width);
            v[i] = type switch
            {
                MiInt8 => (sbyte)s[0],
                MiUint8 => s[0],
                MiInt16 => BinaryPrimitives.ReadInt16LittleEndian(s),
                MiUint16 => BinaryPrimitives.ReadUInt16LittleEndian(s),
                MiInt32 => BinaryPrimitives.ReadInt32LittleEndian(s),
                MiUint32 => BinaryPrimitives.ReadUInt32LittleEndian(s),
                MiSingle => BinaryPrimitives.ReadSingleLittleEndian(s),
                MiDouble => BinaryPrimitives.ReadDoubleLittleEndian(s),
                MiInt64 => BinaryPrimitives.ReadInt64LittleEndian(s),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(s),
            };
        }
        return v;
    }
}
