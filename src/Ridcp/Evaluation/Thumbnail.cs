using Ridcp.Imaging;
using SkiaSharp;

namespace Ridcp.Evaluation;

/// <summary>Small JPEG copies of images as data URIs, so that an HTML report is a single self-contained file.</summary>
public static class Thumbnail
{
    public static string JpegDataUri(RgbImage image, int maxSide, int quality = 80)
    {
        var small = Downscale(image, maxSide);
        int w = small.Width, h = small.Height, plane = w * h;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        unsafe
        {
            byte* dst = (byte*)bitmap.GetPixels();
            for (int i = 0; i < plane; i++)
            {
                dst[4 * i] = Metrics.MatlabImage.ToUint8(small.Data[i]);
                dst[4 * i + 1] = Metrics.MatlabImage.ToUint8(small.Data[plane + i]);
                dst[4 * i + 2] = Metrics.MatlabImage.ToUint8(small.Data[2 * plane + i]);
                dst[4 * i + 3] = 255;
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality) ?? throw new IOException("could not encode a thumbnail");
        return "data:image/jpeg;base64," + Convert.ToBase64String(data.ToArray());
    }

    /// <summary>Area-average downscale so that the longer side is at most <paramref name="maxSide"/> (never upscales).</summary>
    public static RgbImage Downscale(RgbImage image, int maxSide)
    {
        int w = image.Width, h = image.Height;
        double s = Math.Min(1.0, maxSide / (double)Math.Max(w, h));
        int tw = Math.Max(1, (int)Math.Round(w * s)), th = Math.Max(1, (int)Math.Round(h * s));
        if (tw == w && th == h) return image;
        var dst = new RgbImage(tw, th);
        int plane = w * h, tplane = tw * th;
        for (int ty = 0; ty < th; ty++)
        {
            int y0 = ty * h / th, y1 = Math.Max(y0 + 1, (ty + 1) * h / th);
            for (int tx = 0; tx < tw; tx++)
            {
                int x0 = tx * w / tw, x1 = Math.Max(x0 + 1, (tx + 1) * w / tw);
                for (int c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (int y = y0; y < y1; y++)
                        for (int x = x0; x < x1; x++) sum += image.Data[c * plane + y * w + x];
                    dst.Data[c * tplane + ty * tw + tx] = (float)(sum / ((y1 - y0) * (x1 - x0)));
                }
            }
        }
        return dst;
    }
}
