using Ridcp.Core;
using SkiaSharp;

namespace Ridcp.Imaging;

/// <summary>Reads and writes image files. Decoding through SkiaSharp; output format chosen by extension
/// (.png, .jpg/.jpeg); writes are atomic.</summary>
public static class ImageFile
{
    /// <summary>Largest image accepted, in pixels (guards against decompression bombs such as 30000x30000).</summary>
    public const long MaxPixels = 200_000_000;

    public static RgbImage Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image not found: {path}", path);
        using var codec = SKCodec.Create(path) ?? throw new InvalidDataException($"not a readable image: {path}");
        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels)
            throw new InvalidDataException($"image too large: {info.Width}x{info.Height} ({path}); at most {MaxPixels} pixels");
        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result != SKCodecResult.Success && result != SKCodecResult.IncompleteInput)
            throw new InvalidDataException($"could not decode image ({result}): {path}");
        if (result == SKCodecResult.IncompleteInput)
            throw new InvalidDataException($"image is truncated: {path}");
        return FromRgba8888(bitmap);
    }

    static RgbImage FromRgba8888(SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height;
        var img = new RgbImage(w, h);
        var bytes = bitmap.GetPixelSpan();
        int plane = w * h;
        for (int i = 0; i < plane; i++)
        {
            img.Data[i] = bytes[4 * i] / 255f;
            img.Data[plane + i] = bytes[4 * i + 1] / 255f;
            img.Data[2 * plane + i] = bytes[4 * i + 2] / 255f;
        }
        return img;
    }

    /// <summary>Writes PNG or JPEG by extension. Values are clamped to [0,1] and rounded half to even to 8 bits,
    /// as the official inference does (numpy round).</summary>
    public static void Write(RgbImage image, string path, int jpegQuality = 95)
    {
        var format = FormatFor(path);
        int w = image.Width, h = image.Height, plane = w * h;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var px = bitmap.GetPixelSpan();
        unsafe
        {
            byte* dst = (byte*)bitmap.GetPixels();
            for (int i = 0; i < plane; i++)
            {
                dst[4 * i] = To8(image.Data[i]);
                dst[4 * i + 1] = To8(image.Data[plane + i]);
                dst[4 * i + 2] = To8(image.Data[2 * plane + i]);
                dst[4 * i + 3] = 255;
            }
        }
        using var data = bitmap.Encode(format, format == SKEncodedImageFormat.Jpeg ? jpegQuality : 100)
                         ?? throw new IOException($"could not encode {path}");
        AtomicFile.Write(path, s => data.SaveTo(s));
    }

    public static SKEncodedImageFormat FormatFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => SKEncodedImageFormat.Png,
        ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
        var e => throw new ArgumentException($"unsupported output format '{e}' for {path} (use .png, .jpg or .jpeg)"),
    };

    internal static byte To8(float v)
    {
        if (float.IsNaN(v)) return 0;
        double x = Math.Clamp((double)v, 0.0, 1.0) * 255.0;
        return (byte)Math.Round(x, MidpointRounding.ToEven);
    }

    public static bool IsImagePath(string path) => Path.GetExtension(path).ToLowerInvariant() is
        ".png" or ".jpg" or ".jpeg" or ".bmp" or ".webp" or ".gif" or ".tif" or ".tiff";
}
