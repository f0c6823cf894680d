using Ridcp.Imaging;
using SkiaSharp;
using Xunit;

namespace Ridcp.Tests.Imaging;

public class ImageFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-img-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RgbImage Gradient(int w, int h)
    {
        var img = new RgbImage(w, h);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    img[c, y, x] = (float)((x * 31 + y * 17 + c * 7) % 97 / 96.0);
        return img;
    }

    [Fact]
    public void Sixteen_bit_png_round_trips_to_the_nearest_of_65535_levels()
    {
        var img = Gradient(21, 12);
        img[0, 0, 0] = -0.5f; img[1, 0, 0] = 1.5f; img[2, 0, 0] = float.NaN;
        string path = Path.Combine(dir, "x.png");
        ImageFile.WritePng(img, path, 16);
        var back = ImageFile.Read(path);
        Assert.Equal((0f, 1f, 0f), (back[0, 0, 0], back[1, 0, 0], back[2, 0, 0]));
        int plane = 21 * 12;
        for (int i = 1; i < plane; i++)
            for (int c = 0; c < 3; c++)
            {
                float v = img.Data[c * plane + i];
                // Nearest level: at most half a level away (plus float32 rounding of the product, ~1e-7 relative).
                Assert.InRange(Math.Abs(back.Data[c * plane + i] - v), 0, 0.5 / 65535 + 2e-7);
            }
    }

    /// <summary>A float32 value whose float32 product with 255 is exactly <paramref name="half"/>, if one exists.</summary>
    static float? ValueLandingOn(float half)
    {
        float v = half / 255f;
        for (int step = 0; step < 64; step++, v = MathF.BitDecrement(v)) ;
        for (int step = 0; step < 128; step++, v = MathF.BitIncrement(v))
            if (v * 255f == half) return v;
        return null;
    }

    [Fact]
    public void Eight_bit_png_rounds_the_float32_product_half_to_even()
    {
        // numpy: (float32 img * 255.0).round() -> 2.5 becomes 2 and 3.5 becomes 4.
        float a = ValueLandingOn(2.5f) ?? throw new InvalidOperationException("no float lands on 2.5");
        float b = ValueLandingOn(3.5f) ?? throw new InvalidOperationException("no float lands on 3.5");
        var img = new RgbImage(2, 1);
        img[0, 0, 0] = a;
        img[0, 0, 1] = b;
        string path = Path.Combine(dir, "r.png");
        ImageFile.Write(img, path);
        var back = ImageFile.Read(path);
        Assert.Equal(2 / 255f, back[0, 0, 0]);
        Assert.Equal(4 / 255f, back[0, 0, 1]);
    }

    [Fact]
    public void Jpeg_output_is_chosen_by_extension()
    {
        string path = Path.Combine(dir, "x.JPG");
        ImageFile.Write(Gradient(16, 16), path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, bytes[..2]);
        Assert.Throws<ArgumentException>(() => ImageFile.Write(Gradient(4, 4), Path.Combine(dir, "x.bmp")));
    }

    [Fact]
    public void Missing_file_is_reported_by_name()
    {
        var e = Assert.Throws<FileNotFoundException>(() => ImageFile.Read(Path.Combine(dir, "nope.png")));
        Assert.Contains("nope.png", e.Message);
    }

    [Fact]
    public void Garbage_and_empty_files_are_refused_as_unreadable()
    {
        string junk = Path.Combine(dir, "junk.jpg");
        File.WriteAllBytes(junk, Enumerable.Range(0, 500).Select(i => (byte)(i * 37)).ToArray());
        Assert.Contains("junk.jpg", Assert.Throws<InvalidDataException>(() => ImageFile.Read(junk)).Message);
        string empty = Path.Combine(dir, "empty.png");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => ImageFile.Read(empty)).Message);
    }

    [Fact]
    public void Truncated_png_is_reported_as_truncated()
    {
        string path = Path.Combine(dir, "t.png");
        ImageFile.WritePng(Gradient(64, 48), path, 16);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ImageFile.Read(path)).Message);
    }

    [Fact]
    public void Damaged_png_chunk_fails_its_crc()
    {
        string path = Path.Combine(dir, "c.png");
        ImageFile.WritePng(Gradient(64, 48), path, 8);
        var bytes = File.ReadAllBytes(path);
        bytes[60] ^= 0x55; // inside the IDAT data
        File.WriteAllBytes(path, bytes);
        Assert.Contains("CRC", Assert.Throws<InvalidDataException>(() => ImageFile.Read(path)).Message);
    }

    [Fact]
    public void Truncated_jpeg_is_refused()
    {
        string path = Path.Combine(dir, "t.jpg");
        ImageFile.Write(Gradient(64, 64), path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<InvalidDataException>(() => ImageFile.Read(path));
    }

    [Fact]
    public void A_30000_by_30000_png_header_is_refused_before_any_pixel_is_allocated()
    {
        string path = Path.Combine(dir, "bomb.png");
        File.WriteAllBytes(path, PngBuilder.HeaderOnly(30000, 30000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Read(path));
        Assert.Contains("too large", e.Message);
        Assert.Contains("30000x30000", e.Message);
        // A decoded image would need 3*9e8 floats; refusing from the header allocates next to nothing.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void The_pixel_limit_is_inclusive()
    {
        string path = Path.Combine(dir, "limit.png");
        ImageFile.WritePng(Gradient(10, 10), path, 8);
        Assert.Equal(10, ImageFile.Read(path, maxPixels: 100).Width);
        Assert.Throws<InvalidDataException>(() => ImageFile.Read(path, maxPixels: 99));
    }

    [Theory]
    [InlineData(6)] [InlineData(8)] [InlineData(3)] [InlineData(1)]
    public void Jpeg_exif_orientation_is_applied(int orientation)
    {
        // Stored 32x16: left half red, right half blue, with a green top-left 8x8 block as a corner marker.
        using var bmp = new SKBitmap(new SKImageInfo(32, 16, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 32; x++)
                bmp.SetPixel(x, y, x < 8 && y < 8 ? SKColors.Lime : x < 16 ? SKColors.Red : SKColors.Blue);
        using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 100);
        string path = Path.Combine(dir, "o.jpg");
        File.WriteAllBytes(path, ExifJpeg.WithOrientation(data.ToArray(), orientation));
        var img = ImageFile.Read(path);
        // Where the stored top-left corner (green) ends up in the upright picture.
        bool swapped = orientation is 6 or 8;
        Assert.Equal(swapped ? (16, 32) : (32, 16), (img.Width, img.Height));
        var (gx, gy) = orientation switch { 6 => (img.Width - 1, 0), 8 => (0, img.Height - 1), 3 => (img.Width - 1, img.Height - 1), _ => (0, 0) };
        Assert.True(img[1, gy, gx] > 0.8f && img[0, gy, gx] < 0.2f, $"expected green at ({gx},{gy})");
    }
}
