using Ridcp.Imaging;
using SkiaSharp;

namespace Ridcp.Matching;

/// <summary>One image showing a row-major grid of labelled thumbnails, like the α-adjustment figure of the RIDCP
/// project page. Written through <see cref="ImageFile.Write"/> (format by extension, atomic).</summary>
public static class ContactSheet
{
    const int TileWidth = 320;
    const int LabelHeight = 28;
    const int Gap = 8;

    public static RgbImage Compose(IReadOnlyList<(RgbImage Image, string Label)> tiles, int columns = 4)
    {
        if (tiles.Count == 0) throw new ArgumentException("a contact sheet needs at least one image");
        columns = Math.Clamp(columns, 1, tiles.Count);
        int rows = (tiles.Count + columns - 1) / columns;
        var first = tiles[0].Image;
        int tileHeight = Math.Max(1, (int)Math.Round((double)TileWidth * first.Height / first.Width));
        int width = columns * TileWidth + (columns + 1) * Gap;
        int height = rows * (tileHeight + LabelHeight) + (rows + 1) * Gap;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(FigureFont.Typeface, 18);
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (int i = 0; i < tiles.Count; i++)
        {
            int x = Gap + (i % columns) * (TileWidth + Gap);
            int y = Gap + (i / columns) * (tileHeight + LabelHeight + Gap);
            using var bitmap = ToBitmap(tiles[i].Image);
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, new SKRect(x, y, x + TileWidth, y + tileHeight), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            canvas.DrawText(tiles[i].Label, x + TileWidth / 2f, y + tileHeight + LabelHeight - 8, SKTextAlign.Center, font, paint);
        }
        using var snapshot = surface.Snapshot();
        using var pixels = SKBitmap.FromImage(snapshot);
        return FromBitmap(pixels);
    }

    static SKBitmap ToBitmap(RgbImage img)
    {
        var bitmap = new SKBitmap(new SKImageInfo(img.Width, img.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        ImageFile.ToRgba8888(img, bitmap.GetPixelSpan());
        return bitmap;
    }

    static RgbImage FromBitmap(SKBitmap bitmap)
    {
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var src = rgba ?? bitmap;
        var img = new RgbImage(src.Width, src.Height);
        var bytes = src.GetPixelSpan();
        int plane = src.Width * src.Height;
        for (int i = 0; i < plane; i++)
        {
            img.Data[i] = bytes[4 * i] / 255f;
            img.Data[plane + i] = bytes[4 * i + 1] / 255f;
            img.Data[2 * plane + i] = bytes[4 * i + 2] / 255f;
        }
        return img;
    }
}
