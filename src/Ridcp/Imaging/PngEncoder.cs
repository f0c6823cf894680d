using Ridcp.Core;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Ridcp.Imaging;

/// <summary>Writes RGB PNG files with 8 or 16 bits per sample (PNG specification, ISO/IEC 15948). Values are
/// clamped to [0,1] and rounded half to even to 2^depth - 1 levels, as the official inference rounds to 8 bits.
/// Rows use the Up filter (good on photos, trivial to undo).</summary>
internal static class PngEncoder
{
    static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    public static void Write(RgbImage image, Stream output, int bitDepth)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"PNG bit depth must be 8 or 16, got {bitDepth}");
        output.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), image.Height);
        ihdr[8] = (byte)bitDepth; ihdr[9] = 2; // colour type 2 = RGB; compression, filter, interlace 0
        WriteChunk(output, "IHDR", ihdr);
        WriteChunk(output, "IDAT", Compress(image, bitDepth));
        WriteChunk(output, "IEND", []);
    }

    static byte[] Compress(RgbImage image, int bitDepth)
    {
        int w = image.Width, plane = w * image.Height, bytesPerSample = bitDepth / 8;
        int rowBytes = 3 * w * bytesPerSample;
        var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            var prev = new byte[rowBytes];
            var row = new byte[rowBytes];
            var filtered = new byte[rowBytes + 1];
            for (int y = 0; y < image.Height; y++)
            {
                for (int x = 0; x < w; x++)
                    for (int c = 0; c < 3; c++)
                    {
                        float v = image.Data[c * plane + y * w + x];
                        int at = (3 * x + c) * bytesPerSample;
                        if (bitDepth == 8) row[at] = ImageFile.To8(v);
                        else BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(at), ImageFile.To16(v));
                    }
                filtered[0] = 2; // Up
                for (int i = 0; i < rowBytes; i++) filtered[i + 1] = (byte)(row[i] - prev[i]);
                z.Write(filtered);
                (prev, row) = (row, prev);
            }
        }
        return buffer.ToArray();
    }

    static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, head[4..]);
        output.Write(head);
        output.Write(data);
        var crc32 = new System.IO.Hashing.Crc32();   // PNG's CRC covers the chunk type and data
        crc32.Append(head[4..]);
        crc32.Append(data);
        uint crc = crc32.GetCurrentHashAsUInt32();
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        output.Write(tail);
    }
}
