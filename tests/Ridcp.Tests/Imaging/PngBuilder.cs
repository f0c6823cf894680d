using Ridcp.Core;
using System.Buffers.Binary;
using System.IO.Compression;
using Ridcp.Imaging;

namespace Ridcp.Tests.Imaging;

/// <summary>Writes small PNG files of any colour type, bit depth, row filter and interlace method, so the decoder
/// can be checked against known samples. The forward filters are written out here independently of the decoder.</summary>
static class PngBuilder
{
    public delegate int SampleAt(int x, int y, int channel);

    public static byte[] Build(int w, int h, int colorType, int bitDepth, SampleAt sample, int[] filters,
                               bool interlace = false, byte[]? palette = null)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new ArgumentException() };
        int bpp = channels * bitDepth, stride = Math.Max(1, bpp / 8);
        var raw = new MemoryStream();
        var passes = interlace
            ? new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) }
            : new[] { (0, 0, 1, 1) };
        int rowIndex = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = (w - x0 + dx - 1) / dx, ph = (h - y0 + dy - 1) / dy;
            if (pw <= 0 || ph <= 0) continue;
            int rowBytes = (pw * bpp + 7) / 8;
            var prev = new byte[rowBytes];
            for (int r = 0; r < ph; r++)
            {
                var row = new byte[rowBytes];
                for (int i = 0; i < pw; i++)
                    for (int c = 0; c < channels; c++)
                        Put(row, i * channels + c, bitDepth, sample(x0 + i * dx, y0 + r * dy, c));
                int f = filters[rowIndex++ % filters.Length];
                raw.WriteByte((byte)f);
                raw.Write(Filter(f, row, prev, stride));
                prev = row;
            }
        }
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = (byte)bitDepth; ihdr[9] = (byte)colorType; ihdr[12] = (byte)(interlace ? 1 : 0);
        Chunk(png, "IHDR", ihdr);
        if (palette is not null) Chunk(png, "PLTE", palette);
        Chunk(png, "tEXt", System.Text.Encoding.ASCII.GetBytes("Comment\0ancillary chunk to skip"));
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Fastest, leaveOpen: true)) zs.Write(raw.ToArray());
        var compressed = z.ToArray();
        int half = compressed.Length / 2; // two IDAT chunks: the decoder must join them
        Chunk(png, "IDAT", compressed[..half]);
        Chunk(png, "IDAT", compressed[half..]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A PNG that declares a size in its header and carries no pixel data.</summary>
    public static byte[] HeaderOnly(int w, int h)
    {
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8; ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Put(byte[] row, int index, int depth, int value)
    {
        if (depth == 8) row[index] = (byte)value;
        else if (depth == 16) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * index), (ushort)value);
        else
        {
            int bit = index * depth;
            row[bit >> 3] |= (byte)(value << (8 - depth - (bit & 7)));
        }
    }

    static byte[] Filter(int f, byte[] row, byte[] prev, int stride)
    {
        var o = new byte[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= stride ? row[i - stride] : 0, b = prev[i], c = i >= stride ? prev[i - stride] : 0;
            int predictor = f switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => PaethPredictor(a, b, c),
                _ => throw new ArgumentException(),
            };
            o[i] = (byte)(row[i] - predictor);
        }
        return o;
    }

    static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, 0, 4, head, 4);
        s.Write(head);
        s.Write(data);
        var crcInput = head[4..].Concat(data).ToArray();
        var tail = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, System.IO.Hashing.Crc32.HashToUInt32(crcInput));
        s.Write(tail);
    }
}
