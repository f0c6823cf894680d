using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Synthesis;
using Xunit;

namespace Ridcp.Tests.Synthesis;

public class DepthMapTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-depth-").FullName;
    public void Dispose() => Directory.Delete(dir, true);

    [Fact]
    public void Normalisation_maps_min_to_0_and_max_to_1()
    {
        var n = new DepthMap(3, 1, [2f, 4f, 6f]).Normalised();
        Assert.Equal([0f, 0.5f, 1f], n);
    }

    [Fact]
    public void Holes_take_the_farther_neighbour_and_a_constant_map_becomes_one_half()
    {
        var disparity = new DepthMap(5, 1, [10f, float.NaN, float.NaN, 4f, 8f]);
        Assert.Equal([10f, 4f, 4f, 4f, 8f], disparity.FillMissing(DepthKind.Inverse)); // smaller disparity = farther
        Assert.Equal([10f, 10f, 10f, 4f, 8f], disparity.FillMissing(DepthKind.Depth));  // larger depth = farther
        Assert.All(new DepthMap(2, 2, [3f, 3f, 3f, 3f]).Normalised(), v => Assert.Equal(0.5f, v));
        Assert.Throws<InvalidDataException>(() => new DepthMap(2, 1, [float.NaN, float.NaN]).Normalised());
    }

    [Fact]
    public void Npy_maps_are_read_in_float32_float64_and_uint16()
    {
        string f32 = Path.Combine(dir, "a.npy");
        Npy.WriteFloat32(f32, [2, 3], new float[] { 0, 1, 2, 3, 4, 5 });
        var a = DepthMapFile.Read(f32);
        Assert.Equal((3, 2), (a.Width, a.Height));
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], a.Values);

        string u16 = Path.Combine(dir, "b.npy");
        File.WriteAllBytes(u16, NpyBytes("<u2", "(2, 2)", w => { foreach (ushort v in new ushort[] { 0, 1000, 65535, 7 }) w.Write(v); }));
        Assert.Equal([0f, 1000f, 65535f, 7f], DepthMapFile.Read(u16).Values);

        string f64 = Path.Combine(dir, "c.npy");
        File.WriteAllBytes(f64, NpyBytes("<f8", "(2, 1, 1)", w => { w.Write(0.25); w.Write(-1.5); })); // (H, W, 1)
        var c = DepthMapFile.Read(f64);
        Assert.Equal((1, 2), (c.Width, c.Height));
        Assert.Equal([0.25f, -1.5f], c.Values);

        string bad = Path.Combine(dir, "d.npy");
        File.WriteAllBytes(bad, NpyBytes("<f4", "(2, 2, 2)", w => { for (int i = 0; i < 8; i++) w.Write(1f); }));
        Assert.Throws<InvalidDataException>(() => DepthMapFile.Read(bad));
    }

    [Fact]
    public void A_16_bit_png_keeps_its_full_precision()
    {
        string p = Path.Combine(dir, "d16.png");
        ushort[] values = [0, 1, 257, 40000, 65535, 12345];
        File.WriteAllBytes(p, Grey16Png(3, 2, values));
        var m = DepthMapFile.Read(p);
        Assert.Equal((3, 2), (m.Width, m.Height));
        Assert.Equal(values.Select(v => (float)v).ToArray(), m.Values);
    }

    [Fact]
    public void An_8_bit_png_is_read_from_its_first_channel()
    {
        string p = Path.Combine(dir, "d8.png");
        var img = new RgbImage(2, 1, [10 / 255f, 200 / 255f, 0, 0, 1, 1]);
        ImageFile.Write(img, p);
        var m = DepthMapFile.Read(p);
        Assert.Equal([10 / 255f, 200 / 255f], m.Values);
    }

    [Fact]
    public void Truncated_and_unknown_files_are_bad_input()
    {
        string p = Path.Combine(dir, "t.png");
        var bytes = Grey16Png(64, 64, new ushort[64 * 64]);
        File.WriteAllBytes(p, bytes[..(bytes.Length / 2)]);
        Assert.ThrowsAny<InvalidDataException>(() => DepthMapFile.Read(p));
        string q = Path.Combine(dir, "x.tif");
        File.WriteAllText(q, "?");
        Assert.Throws<InvalidDataException>(() => DepthMapFile.Read(q));
        Assert.Throws<FileNotFoundException>(() => DepthMapFile.Read(Path.Combine(dir, "none.npy")));
    }

    static byte[] NpyBytes(string descr, string shape, Action<BinaryWriter> data)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        dict += new string(' ', (64 - (10 + dict.Length + 1) % 64) % 64) + "\n";
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write((byte)0x93); w.Write(Encoding.ASCII.GetBytes("NUMPY")); w.Write((byte)1); w.Write((byte)0);
        w.Write((ushort)dict.Length); w.Write(Encoding.ASCII.GetBytes(dict));
        data(w);
        return ms.ToArray();
    }

    /// <summary>A 16-bit greyscale PNG with Sub and Up filters on alternate rows (exercises unfiltering).</summary>
    internal static byte[] Grey16Png(int w, int h, ushort[] v)
    {
        var raw = new MemoryStream();
        var prev = new byte[2 * w];
        for (int y = 0; y < h; y++)
        {
            var row = new byte[2 * w];
            for (int x = 0; x < w; x++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * x), v[y * w + x]);
            int filter = y % 2 == 0 ? 1 : 2;
            raw.WriteByte((byte)filter);
            for (int i = 0; i < row.Length; i++)
                raw.WriteByte((byte)(row[i] - (filter == 1 ? (i >= 2 ? row[i - 2] : 0) : prev[i])));
            prev = row;
        }
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write(raw.ToArray());
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)w); BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)h);
        ihdr[8] = 16; ihdr[9] = 0;
        Chunk(png, "IHDR", ihdr); Chunk(png, "IDAT", z.ToArray()); Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static uint Crc32(byte[] data) // PNG's CRC-32 (ISO 3309), bitwise
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFF;
    }

    static void Chunk(Stream s, string type, byte[] body)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(len, (uint)body.Length);
        s.Write(len);
        var tb = Encoding.ASCII.GetBytes(type);
        s.Write(tb); s.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32([.. tb, .. body]));
        s.Write(len);
    }
}
