using System.Diagnostics;
using Ridcp.Imaging;

namespace Ridcp.Inference;

/// <summary>Dehazes a list of images one after another. A failing image (unreadable, unwritable) is recorded and
/// the others still run; nothing is written for a failed image (writes are atomic).</summary>
public static class DehazeRun
{
    /// <param name="pngBitDepth">8 (as the official inference) or 16 for .png outputs; JPEG is always 8-bit.</param>
    /// <param name="maxPixels">larger images are refused from their header, before decoding (`--max-pixels`).</param>
    public static IReadOnlyList<DehazeItemResult> Run(IReadOnlyList<DehazeItem> items, Func<RgbImage, RgbImage> dehaze,
                                                      Action<DehazeItemResult>? onItemDone = null, int pngBitDepth = 8,
                                                      long maxPixels = ImageFile.MaxPixels)
    {
        var results = new List<DehazeItemResult>(items.Count);
        foreach (var item in items)
        {
            var clock = Stopwatch.StartNew();
            Exception? error = null;
            try
            {
                var image = ImageFile.Read(item.Input, maxPixels);
                var result = dehaze(image);
                if (pngBitDepth != 8 && ImageFile.FormatFor(item.Output) == SkiaSharp.SKEncodedImageFormat.Png)
                    ImageFile.WritePng(result, item.Output, pngBitDepth);
                else ImageFile.Write(result, item.Output);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }
            var r = new DehazeItemResult(item, error, clock.Elapsed);
            results.Add(r);
            onItemDone?.Invoke(r);
        }
        return results;
    }
}
