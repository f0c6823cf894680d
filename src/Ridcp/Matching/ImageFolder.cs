using Ridcp.Imaging;

namespace Ridcp.Matching;

/// <summary>The image files directly inside a folder, in ordinal name order (so statistics are reproducible).</summary>
public static class ImageFolder
{
    public static IReadOnlyList<string> List(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"image folder not found: {dir}");
        var files = Directory.GetFiles(dir).Where(ImageFile.IsImagePath).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"no images in {dir}");
        return files;
    }
}
