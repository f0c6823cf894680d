using Ridcp.Core;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Ridcp.Imaging;

/// <summary>Decodes PNG files exactly, sample by sample (PNG specification, ISO/IEC 15948): every colour type and
/// bit depth, the five row filters, Adam7 interlacing, chunk CRCs. SkiaSharp hands 16-bit PNGs out only as half
/// floats, which loses the low bits; this path divides each sample by 2^depth - 1 (so 16-bit by 65535).
/// Grey is repeated into three channels, alpha (and tRNS) is dropped, gamma/ICC chunks are ignored — the same
/// values cv2.imread gives the official inference script.</summary>
internal static class PngDecoder
{
    static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    // Adam7 passes (PNG specification 8.2): x start, y start, x step, y step.
    static readonly (int X0, int Y0, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static bool HasSignature(ReadOnlySpan<byte> head) => head.Length >= 8 && head[..8].SequenceEqual(Signature);

    public static RgbImage Decode(byte[] file, string path, long maxPixels)
    {
        if (!HasSignature(file)) throw Corrupt(path, "no PNG signature");
        PngHeader? header = null;
        byte[]? palette = null;
        var idat = new MemoryStream();
        bool sawEnd = false;
        int pos = 8;
        while (!sawEnd)
        {
            if (pos + 8 > file.Length) throw Truncated(path);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(file, pos + 4, 4);
            if (length > int.MaxValue || pos + 12L + length > file.Length) throw Truncated(path);
            var data = file.AsSpan(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos + 8 + (int)length));
            if (System.IO.Hashing.Crc32.HashToUInt32(file.AsSpan(pos + 4, 4 + (int)length)) != crc) throw Corrupt(path, $"CRC error in chunk {type}");
            pos += 12 + (int)length;
            switch (type)
            {
                case "IHDR":
                    if (header is not null || data.Length != 13) throw Corrupt(path, "bad IHDR chunk");
                    header = ParseHeader(data, path, maxPixels);
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    if (header is null) throw Corrupt(path, "IDAT before IHDR");
                    idat.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    // Ancillary chunks (lower-case first letter) may be skipped; an unknown critical one may not.
                    if (char.IsUpper(type[0])) throw Corrupt(path, $"unknown critical chunk {type}");
                    if (header is null) throw Corrupt(path, "first chunk is not IHDR");
                    break;
            }
        }
        if (header is null) throw Corrupt(path, "no IHDR chunk");
        if (header.ColorType == 3 && (palette is null || palette.Length % 3 != 0)) throw Corrupt(path, "palette image without a valid PLTE chunk");
        idat.Position = 0;
        using var inflated = new ZLibStream(idat, CompressionMode.Decompress);
        return DecodePixels(header, palette, inflated, path);
    }

    static PngHeader ParseHeader(ReadOnlySpan<byte> d, string path, long maxPixels)
    {
        uint w = BinaryPrimitives.ReadUInt32BigEndian(d), h = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        if (w > int.MaxValue || h > int.MaxValue) throw Corrupt(path, $"invalid size {w}x{h}");
        var problem = PngHeader.Problem((int)w, (int)h, d[8], d[9], d[10], d[11], d[12]);
        if (problem is not null) throw Corrupt(path, problem);
        // Refused here, before anything of that size is allocated.
        ImageFile.CheckPixelLimit((int)w, (int)h, path, maxPixels);
        return new PngHeader((int)w, (int)h, d[8], d[9], d[12] == 1);
    }

    static RgbImage DecodePixels(PngHeader h, byte[]? palette, Stream inflated, string path)
    {
        var image = new RgbImage(h.Width, h.Height);
        var passes = h.Interlaced ? Adam7 : [(0, 0, 1, 1)];
        int stride = h.FilterStride;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = (h.Width - x0 + dx - 1) / dx, ph = (h.Height - y0 + dy - 1) / dy;
            if (pw <= 0 || ph <= 0) continue;
            int rowBytes = checked((int)h.RowBytes(pw));
            var prev = new byte[rowBytes];
            var row = new byte[rowBytes];
            for (int r = 0; r < ph; r++)
            {
                int filter = ReadRow(inflated, row, path);
                Unfilter(filter, row, prev, stride, path);
                StoreRow(h, palette, row, image, y0 + r * dy, x0, dx, pw, path);
                (prev, row) = (row, prev);
            }
        }
        return image;
    }

    /// <summary>Reads one filter-type byte and one row of filtered bytes; returns the filter type.</summary>
    static int ReadRow(Stream inflated, byte[] row, string path)
    {
        try
        {
            int filter = inflated.ReadByte();
            if (filter < 0) throw Truncated(path);
            inflated.ReadExactly(row);
            return filter;
        }
        catch (EndOfStreamException) { throw Truncated(path); }
        catch (InvalidDataException e) when (!e.Message.StartsWith("image is truncated")) { throw Corrupt(path, "invalid compressed data"); }
    }

    /// <summary>Reverses one row filter in place (PNG specification 9.2). Arithmetic is modulo 256.</summary>
    internal static void Unfilter(int filter, Span<byte> row, ReadOnlySpan<byte> prev, int stride, string path)
    {
        switch (filter)
        {
            case 0: break;
            case 1:
                for (int i = stride; i < row.Length; i++) row[i] += row[i - stride];
                break;
            case 2:
                for (int i = 0; i < row.Length; i++) row[i] += prev[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= stride ? row[i - stride] : 0) + prev[i]) >> 1);
                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= stride ? row[i - stride] : 0, b = prev[i], c = i >= stride ? prev[i - stride] : 0;
                    row[i] += (byte)Paeth(a, b, c);
                }
                break;
            default: throw Corrupt(path, $"unknown row filter {filter}");
        }
    }

    static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    static void StoreRow(PngHeader h, byte[]? palette, ReadOnlySpan<byte> row, RgbImage image, int y, int x0, int dx, int count, string path)
    {
        int plane = image.Width * image.Height;
        float[] dst = image.Data;
        float max = (1 << h.BitDepth) - 1;
        for (int i = 0; i < count; i++)
        {
            int at = y * image.Width + x0 + i * dx;
            if (h.ColorType == 3)
            {
                int index = Sample(row, i, 0, h);
                if (3 * index + 2 >= palette!.Length) throw Corrupt(path, $"palette index {index} out of range");
                dst[at] = palette[3 * index] / 255f;
                dst[plane + at] = palette[3 * index + 1] / 255f;
                dst[2 * plane + at] = palette[3 * index + 2] / 255f;
            }
            else if (h.ColorType is 0 or 4)
            {
                float g = Sample(row, i, 0, h) / max;
                dst[at] = g; dst[plane + at] = g; dst[2 * plane + at] = g;
            }
            else
            {
                dst[at] = Sample(row, i, 0, h) / max;
                dst[plane + at] = Sample(row, i, 1, h) / max;
                dst[2 * plane + at] = Sample(row, i, 2, h) / max;
            }
        }
    }

    /// <summary>Sample <paramref name="channel"/> of pixel <paramref name="pixel"/>; sub-byte samples are packed
    /// from the most significant bit, 16-bit samples are big-endian.</summary>
    static int Sample(ReadOnlySpan<byte> row, int pixel, int channel, PngHeader h)
    {
        int index = pixel * h.Channels + channel;
        switch (h.BitDepth)
        {
            case 8: return row[index];
            case 16: return (row[2 * index] << 8) | row[2 * index + 1];
            default:
                int bit = index * h.BitDepth;
                int shift = 8 - h.BitDepth - (bit & 7);
                return (row[bit >> 3] >> shift) & ((1 << h.BitDepth) - 1);
        }
    }

    static InvalidDataException Truncated(string path) => new($"image is truncated: {path}");
    static InvalidDataException Corrupt(string path, string why) => new($"corrupt PNG ({why}): {path}");
}
