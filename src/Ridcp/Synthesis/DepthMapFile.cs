using Ridcp.Core;
using Ridcp.Imaging;

namespace Ridcp.Synthesis;

/// <summary>Reads depth maps: NumPy .npy (float32, float64, uint16 — the official depth_500 format — and the other
/// dtypes the Npy reader knows; shape (H, W), (H, W, 1) or (1, H, W)), 16-bit PNG at full precision, 8-bit PNG
/// (first channel). Values are returned as stored; <see cref="DepthMap.Normalised"/> scales them.</summary>
public static class DepthMapFile
{
    public static readonly string[] Extensions = [".npy", ".png"];

    public static DepthMap Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"depth map not found: {path}", path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npy" => FromNpy(Npy.Read(path), path),
            ".png" => Png16Reader.BitDepth(path) == 16 ? Png16Reader.Read(path) : FirstChannel(ImageFile.Read(path)),
            var e => throw new InvalidDataException($"unsupported depth map format '{e}' (use .npy or .png): {path}"),
        };
    }

    static DepthMap FromNpy(NpyArray a, string path)
    {
        var s = a.Shape;
        (int h, int w) = s.Length switch
        {
            2 => ((int)s[0], (int)s[1]),
            3 when s[2] == 1 => ((int)s[0], (int)s[1]),
            3 when s[0] == 1 => ((int)s[1], (int)s[2]),
            _ => throw new InvalidDataException($"depth map must be 2-D (H, W), got shape ({string.Join(", ", s)}): {path}"),
        };
        if (h <= 0 || w <= 0) throw new InvalidDataException($"depth map is empty: {path}");
        return new DepthMap(w, h, a.ToFloat32());
    }

    static DepthMap FirstChannel(RgbImage img)
    {
        var v = new float[img.Width * img.Height];
        Array.Copy(img.Data, v, v.Length);
        return new DepthMap(img.Width, img.Height, v);
    }
}
