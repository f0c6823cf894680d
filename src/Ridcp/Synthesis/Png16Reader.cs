using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Ridcp.Synthesis;

/// <summary>Reads the first channel of a non-interlaced 16-bit PNG (grey, grey+alpha, RGB or RGBA) at full precision,
/// as raw sample values 0..65535. SkiaSharp decodes to 8 bits per channel, which would throw away most of a 16-bit
/// depth map's resolution.</summary>
public static class Png16Reader
{
    static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>The PNG's bit depth, or 0 if the file is not a PNG.</summary>
    public static int BitDepth(string path)
    {
        using var fs = File.OpenRead(path);
        Span<byte> head = stackalloc byte[8 + 8 + 13];
        if (fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head[..8].SequenceEqual(Signature)) return 0;
        return head[24];
    }

    public static DepthMap Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException($"not a PNG file: {path}");
        int pos = 8, width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
        using var idat = new MemoryStream();
        while (pos + 8 <= bytes.Length)
        {
            int len = checked((int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(pos)));
            string type = Encoding.ASCII.GetString(bytes, pos + 4, 4);
            if (pos + 12L + len > bytes.Length) throw new InvalidDataException($"PNG is truncated: {path}");
            var body = bytes.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body));
                height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
                bitDepth = body[8]; colorType = body[9]; interlace = body[12];
            }
            else if (type == "IDAT") idat.Write(body);
            else if (type == "IEND") break;
            pos += 12 + len;
        }
        if (width <= 0 || height <= 0) throw new InvalidDataException($"PNG has no valid header: {path}");
        if ((long)width * height > Imaging.ImageFile.MaxPixels) throw new InvalidDataException($"depth map too large: {width}x{height} ({path})");
        if (bitDepth != 16) throw new InvalidDataException($"expected a 16-bit PNG, got {bitDepth}-bit: {path}");
        if (interlace != 0) throw new InvalidDataException($"interlaced 16-bit PNGs are not supported: {path}");
        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new InvalidDataException($"unsupported PNG colour type {colorType}: {path}") };
        int bpp = 2 * channels, stride = width * bpp;
        var raw = new byte[(long)(stride + 1) * height];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
        {
            try { z.ReadExactly(raw); }
            catch (EndOfStreamException) { throw new InvalidDataException($"PNG image data is truncated: {path}"); }
        }
        var prev = new byte[stride];
        var cur = new byte[stride];
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[(long)y * (stride + 1)];
            Array.Copy(raw, (long)y * (stride + 1) + 1, cur, 0, stride);
            Unfilter(filter, cur, prev, bpp, path);
            for (int x = 0; x < width; x++) values[y * width + x] = (cur[x * bpp] << 8) | cur[x * bpp + 1];
            (prev, cur) = (cur, prev);
        }
        return new DepthMap(width, height, values);
    }

    static void Unfilter(int filter, byte[] cur, byte[] prev, int bpp, string path)
    {
        switch (filter)
        {
            case 0: break;
            case 1: for (int i = bpp; i < cur.Length; i++) cur[i] += cur[i - bpp]; break;
            case 2: for (int i = 0; i < cur.Length; i++) cur[i] += prev[i]; break;
            case 3: for (int i = 0; i < cur.Length; i++) cur[i] += (byte)(((i >= bpp ? cur[i - bpp] : 0) + prev[i]) >> 1); break;
            case 4:
                for (int i = 0; i < cur.Length; i++)
                {
                    int a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    cur[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                break;
            default: throw new InvalidDataException($"bad PNG row filter {filter}: {path}");
        }
    }
}
