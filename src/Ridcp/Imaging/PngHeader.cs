namespace Ridcp.Imaging;

/// <summary>The IHDR chunk of a PNG file (PNG specification, section 11.2.2).</summary>
internal sealed record PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    /// <summary>Samples per pixel: grey 1, RGB 3, palette index 1, grey+alpha 2, RGBA 4.</summary>
    public int Channels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new InvalidOperationException() };

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>Byte distance to the corresponding byte of the previous pixel, as the filters use it (at least 1).</summary>
    public int FilterStride => Math.Max(1, BitsPerPixel / 8);

    public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;

    /// <summary>Checks the combinations the specification allows (table 11.1).</summary>
    public static string? Problem(int width, int height, int bitDepth, int colorType, int compression, int filter, int interlace)
    {
        if (width <= 0 || height <= 0) return $"invalid size {width}x{height}";
        bool depthOk = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (!depthOk) return $"invalid colour type {colorType} with bit depth {bitDepth}";
        if (compression != 0 || filter != 0) return "unknown compression or filter method";
        if (interlace is not (0 or 1)) return $"unknown interlace method {interlace}";
        return null;
    }
}
