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
                DehazeOne(item, dehaze, pngBitDepth, maxPixels);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = e;
            }
            // The image's input and output arrays (190 MB each at 16 MP) are garbage once DehazeOne has returned (in
            // this method's frame the loop's locals kept the previous image's output alive), and the aggressive mode
            // also hands back what the runtime would retain (System.GC.RetainVM): otherwise they stayed resident
            // under the next image's stripes. A folder of two 5312x2988 photos peaked at 2,518-2,525 MiB (2,346 with a
            // plain collection), now 2,157 as one photo does; six 1 MP photos took the same time either way.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var r = new DehazeItemResult(item, error, clock.Elapsed);
            results.Add(r);
            onItemDone?.Invoke(r);
        }
        return results;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static void DehazeOne(DehazeItem item, Func<RgbImage, RgbImage> dehaze, int pngBitDepth, long maxPixels)
    {
        var image = ImageFile.Read(item.Input, maxPixels);
        var result = dehaze(image);
        if (pngBitDepth != 8 && ImageFile.FormatFor(item.Output) == SkiaSharp.SKEncodedImageFormat.Png)
            ImageFile.WritePng(result, item.Output, pngBitDepth);
        else ImageFile.Write(result, item.Output);
    }
}
