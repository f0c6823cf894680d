using Ridcp.Core;
using SkiaSharp;

namespace Ridcp.Imaging;

/// <summary>Reads and writes image files. PNG is decoded by <see cref="PngDecoder"/> (exact 16-bit samples);
/// JPEG and other formats through SkiaSharp, with the EXIF orientation applied. Output format chosen by extension
/// (.png, .jpg/.jpeg); writes are atomic.</summary>
public static class ImageFile
{
    /// <summary>Default largest image accepted, in pixels (`ridcp dehaze --max-pixels`), checked from the file's header
    /// before anything of the image's size is allocated: 50 MP covers 8K frames and 48 MP phone photos, and decoding
    /// one takes ~0.8 GB (RGBA bytes plus planar floats); a 4.5 KB JPEG declaring 14000x14000 is refused.</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Bytes a file may have per allowed pixel (a 16-bit RGBA PNG stored uncompressed needs 8) plus room for
    /// metadata; a larger file is refused before it is read into memory.</summary>
    const long MaxFileBytesPerPixel = 8, MaxMetadataBytes = 64L << 20;

    public static RgbImage Read(string path) => Read(path, MaxPixels);

    /// <summary>The codec library behind this module and its native build, for `ridcp info`.</summary>
    public static string CodecVersion =>
        $"SkiaSharp {Versions.Informational(typeof(SKImage).Assembly)} (native {SkiaSharpVersion.Native})";

    /// <summary>Reads an image as RGB in [0,1]: 8-bit samples / 255, 16-bit / 65535, grey repeated into three
    /// channels, alpha dropped. Throws <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/>
    /// (corrupt, truncated, too large) with a message naming the file.</summary>
    public static RgbImage Read(string path, long maxPixels)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image not found: {path}", path);
        if (maxPixels <= 0) throw new ArgumentException($"the pixel limit must be positive, got {maxPixels}");
        // Before opening: a named pipe would block, a device would never end.
        if (!RegularFile.HasData(path)) throw new InvalidDataException($"image file is empty or not a regular file: {path}");
        long length = new FileInfo(path).Length;
        if (length > maxPixels * MaxFileBytesPerPixel + MaxMetadataBytes)
            throw new InvalidDataException($"image file too large: {length} bytes ({path}); at most {maxPixels} pixels are accepted");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read image {path}: {e.Message}", e);
        }
        return Decode(bytes, path, maxPixels);
    }

    /// <summary>Decodes an image held in memory (an upload) like <see cref="Read(string, long)"/>; <paramref name="name"/>
    /// names it in messages. The pixel limit is checked from the header, before any pixel memory is allocated
    /// (<see cref="ImageTooLargeException"/>).</summary>
    public static RgbImage Decode(byte[] bytes, string name, long maxPixels)
    {
        if (bytes.Length == 0) throw new InvalidDataException($"image file is empty: {name}");
        return PngDecoder.HasSignature(bytes) ? PngDecoder.Decode(bytes, name, maxPixels) : ReadWithSkia(bytes, name, maxPixels);
    }

    /// <summary>Width and height declared by an image's header, read without decoding any pixel (the web app
    /// answers "too large" apart from "not an image"). <see cref="InvalidDataException"/> when no codec knows it.</summary>
    public static (int Width, int Height) PeekSize(byte[] bytes, string name)
    {
        // PNG: IHDR is always the first chunk, width and height big-endian at bytes 16..23.
        if (PngDecoder.HasSignature(bytes))
        {
            if (bytes.Length < 24) throw new InvalidDataException($"image is truncated or damaged: {name}");
            uint w = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16, 4));
            uint h = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20, 4));
            return ((int)Math.Min(w, int.MaxValue), (int)Math.Min(h, int.MaxValue));
        }
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"not a readable image: {name}");
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>An 8-bit RGB PNG in memory (same samples as <see cref="WritePng"/> writes).</summary>
    public static byte[] EncodePng(RgbImage image)
    {
        using var buffer = new MemoryStream();
        PngEncoder.Write(image, buffer, 8);
        return buffer.ToArray();
    }

    static RgbImage ReadWithSkia(byte[] bytes, string path, long maxPixels)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"not a readable image: {path}");
        var info = codec.Info;
        CheckPixelLimit(info.Width, info.Height, path, maxPixels);
        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result == SKCodecResult.IncompleteInput || result == SKCodecResult.ErrorInInput)
            throw new InvalidDataException($"image is truncated or damaged: {path}");
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"could not decode image ({result}): {path}");
        return ExifOrientation.Apply(FromRgba8888(bitmap), codec.EncodedOrigin);
    }

    internal static void CheckPixelLimit(int width, int height, string path, long maxPixels)
    {
        if ((long)width * height > maxPixels)
            throw new InvalidDataException($"image too large: {width}x{height} ({path}); at most {maxPixels} pixels");
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

    /// <summary>Writes PNG (8-bit) or JPEG by extension. Values are clamped to [0,1] and rounded half to even to
    /// 8 bits, as the official inference does (numpy round).</summary>
    public static void Write(RgbImage image, string path, int jpegQuality = 95)
    {
        var format = FormatFor(path);
        if (format == SKEncodedImageFormat.Png) { WritePng(image, path, 8); return; }
        int w = image.Width, h = image.Height;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        ToRgba8888(image, bitmap.GetPixelSpan());
        using var data = bitmap.Encode(format, jpegQuality) ?? throw new IOException($"could not encode {path}");
        AtomicFile.Write(path, s => data.SaveTo(s));
    }

    /// <summary>Writes an RGB PNG with 8 or 16 bits per sample (clamped, rounded half to even), atomically.</summary>
    public static void WritePng(RgbImage image, string path, int bitDepth)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentException($"PNG bit depth must be 8 or 16, got {bitDepth}");
        AtomicFile.Write(path, s => PngEncoder.Write(image, s, bitDepth));
    }

    public static SKEncodedImageFormat FormatFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => SKEncodedImageFormat.Png,
        ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
        var e => throw new ArgumentException($"unsupported output format '{e}' for {path} (use .png, .jpg or .jpeg)"),
    };

    /// <summary>Interleaved 8-bit RGBA (alpha 255) of a planar image, each value through <see cref="To8"/>:
    /// the pixels every SkiaSharp encode (files, the synthesis JPEG stage, contact sheets) starts from.</summary>
    internal static void ToRgba8888(RgbImage image, Span<byte> rgba)
    {
        int plane = image.Width * image.Height;
        if (rgba.Length < 4 * plane) throw new ArgumentException("RGBA buffer too small");
        var d = image.Data;
        for (int i = 0; i < plane; i++)
        {
            rgba[4 * i] = To8(d[i]);
            rgba[4 * i + 1] = To8(d[plane + i]);
            rgba[4 * i + 2] = To8(d[2 * plane + i]);
            rgba[4 * i + 3] = 255;
        }
    }

    /// <summary>Official tensor2img (BasicSR img_util.py): clamp, then float32 `img * 255.0`, numpy round (half
    /// to even). The product is taken in float32 as numpy does for a float32 array.</summary>
    internal static byte To8(float v)
    {
        if (float.IsNaN(v)) return 0;
        float x = Math.Clamp(v, 0f, 1f) * 255f;
        return (byte)MathF.Round(x, MidpointRounding.ToEven);
    }

    /// <summary>The 16-bit counterpart of <see cref="To8"/> (65535 levels).</summary>
    internal static ushort To16(float v)
    {
        if (float.IsNaN(v)) return 0;
        float x = Math.Clamp(v, 0f, 1f) * 65535f;
        return (ushort)MathF.Round(x, MidpointRounding.ToEven);
    }

    /// <summary>Extensions a folder listing picks up: the formats this build decodes. TIFF is not among them
    /// (SkiaSharp has no TIFF codec), so .tif files are not listed only to fail one by one.</summary>
    public static bool IsImagePath(string path) => Path.GetExtension(path).ToLowerInvariant() is
        ".png" or ".jpg" or ".jpeg" or ".bmp" or ".webp" or ".gif";
}
