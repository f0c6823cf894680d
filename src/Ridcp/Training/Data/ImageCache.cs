using Ridcp.Imaging;

namespace Ridcp.Training.Data;

/// <summary>The clear images of a folder, decoded once and kept as 8-bit planar bytes (a quarter of float32's
/// memory: 56 photos of 1 MP take about 130 MB). Sorted by file name so every machine sees the same order.</summary>
public sealed class ImageCache
{
    public sealed record Entry(string Name, int Width, int Height, byte[] Planes);

    public IReadOnlyList<Entry> Images { get; }

    private ImageCache(IReadOnlyList<Entry> images) => Images = images;

    public static ImageCache Load(string folder, int maxSide = 0)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"image folder not found: {folder}");
        var files = Directory.GetFiles(folder).Where(ImageFile.IsImagePath).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new FileNotFoundException($"no images in {folder}");
        var list = new List<Entry>(files.Length);
        foreach (var f in files)
        {
            var img = Downscale.ToMaxSide(ImageFile.Read(f), maxSide);
            var b = new byte[img.Data.Length];
            for (int i = 0; i < b.Length; i++) b[i] = (byte)Math.Clamp(MathF.Round(img.Data[i] * 255f), 0f, 255f);
            list.Add(new Entry(Path.GetFileName(f), img.Width, img.Height, b));
        }
        return new ImageCache(list);
    }

    public static RgbImage ToImage(Entry e)
    {
        var img = new RgbImage(e.Width, e.Height);
        for (int i = 0; i < e.Planes.Length; i++) img.Data[i] = e.Planes[i] / 255f;
        return img;
    }
}
