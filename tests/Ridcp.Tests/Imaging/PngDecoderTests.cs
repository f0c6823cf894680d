using Ridcp.Imaging;
using SkiaSharp;
using Xunit;

namespace Ridcp.Tests.Imaging;

public class PngDecoderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("ridcp-png-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    static int Pattern(int x, int y, int c, int depth) => (x * 7919 + y * 104729 + c * 1237 + 17) % (1 << depth);

    string Save(byte[] png, string name = "t.png")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, png);
        return path;
    }

    [Theory]
    [InlineData(2, 16)] [InlineData(2, 8)] [InlineData(6, 16)] [InlineData(6, 8)]
    [InlineData(0, 16)] [InlineData(0, 8)] [InlineData(0, 4)] [InlineData(0, 2)] [InlineData(0, 1)]
    [InlineData(4, 16)] [InlineData(4, 8)]
    public void Every_colour_type_and_depth_decodes_each_sample_divided_by_its_maximum(int colorType, int depth)
    {
        const int w = 13, h = 9;
        var png = PngBuilder.Build(w, h, colorType, depth, (x, y, c) => Pattern(x, y, c, depth), filters: [0, 1, 2, 3, 4]);
        var img = ImageFile.Read(Save(png));
        Assert.Equal((w, h), (img.Width, img.Height));
        double max = (1 << depth) - 1;
        bool grey = colorType is 0 or 4;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal((float)(Pattern(x, y, grey ? 0 : c, depth) / max), img[c, y, x]);
    }

    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)]
    public void Each_row_filter_is_undone(int filter)
    {
        var png = PngBuilder.Build(11, 6, 6, 16, (x, y, c) => Pattern(x, y, c, 16), filters: [filter]);
        var img = ImageFile.Read(Save(png));
        Assert.Equal((float)(Pattern(10, 5, 2, 16) / 65535.0), img[2, 5, 10]);
        Assert.Equal((float)(Pattern(3, 4, 0, 16) / 65535.0), img[0, 4, 3]);
    }

    [Theory]
    [InlineData(2, 16)] [InlineData(0, 1)] [InlineData(6, 8)]
    public void Adam7_interlaced_files_equal_their_non_interlaced_twins(int colorType, int depth)
    {
        PngBuilder.SampleAt s = (x, y, c) => Pattern(x, y, c, depth);
        var plain = ImageFile.Read(Save(PngBuilder.Build(19, 11, colorType, depth, s, [4, 1]), "a.png"));
        var laced = ImageFile.Read(Save(PngBuilder.Build(19, 11, colorType, depth, s, [3, 2, 4], interlace: true), "b.png"));
        Assert.Equal(plain.Data, laced.Data);
    }

    [Fact]
    public void Palette_images_look_up_their_colours()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
        var png = PngBuilder.Build(5, 3, 3, 2, (x, y, _) => (x + y) % 4, [1], palette: palette);
        var img = ImageFile.Read(Save(png));
        Assert.Equal(10 / 255f, img[0, 1, 2]);
        Assert.Equal(30 / 255f, img[2, 2, 1]);
        Assert.Equal(1f, img[1, 0, 1]);
    }

    [Fact]
    public void Sixteen_bit_samples_agree_with_skias_half_float_decoding()
    {
        // An independent decoder (SkiaSharp) as a check on byte order and filters; it only gives half floats,
        // whose spacing near 1 is 2^-11, so that is the tolerance.
        const double halfFloatStep = 1.0 / 2048;
        var path = Save(PngBuilder.Build(17, 8, 2, 16, (x, y, c) => Pattern(x, y, c, 16), [0, 1, 2, 3, 4]));
        var ours = ImageFile.Read(path);
        using var codec = SKCodec.Create(path);
        using var bmp = new SKBitmap(new SKImageInfo(17, 8, SKColorType.RgbaF16, SKAlphaType.Unpremul));
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(bmp.Info, bmp.GetPixels()));
        var px = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bmp.GetPixelSpan());
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 17; x++)
                for (int c = 0; c < 3; c++)
                    Assert.InRange(ours[c, y, x] - (double)px[(y * 17 + x) * 4 + c], -halfFloatStep, halfFloatStep);
    }

    [Fact]
    public void Eight_bit_files_written_by_skia_decode_to_skias_pixels()
    {
        using var bmp = new SKBitmap(new SKImageInfo(23, 14, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 14; y++)
            for (int x = 0; x < 23; x++)
                bmp.SetPixel(x, y, new SKColor((byte)(x * 11), (byte)(y * 17), (byte)((x * y) % 256), 255));
        string path = Path.Combine(dir, "skia.png");
        using (var data = bmp.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(path, data.ToArray());
        var img = ImageFile.Read(path);
        for (int y = 0; y < 14; y++)
            for (int x = 0; x < 23; x++)
            {
                var p = bmp.GetPixel(x, y);
                Assert.Equal((p.Red / 255f, p.Green / 255f, p.Blue / 255f), (img[0, y, x], img[1, y, x], img[2, y, x]));
            }
    }
}
