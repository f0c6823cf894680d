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
            ".png" => FromPng(path),
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

    /// <summary>First channel of a PNG through the project's exact PNG decoder (CRC-checked, every bit depth).
    /// A 16-bit map keeps its raw sample values 0..65535 (ImageFile gives v/65535, so rounding v*65535 restores them
    /// exactly); an 8-bit map comes back in [0, 1] as ImageFile gives it. Normalisation makes the scale irrelevant.</summary>
    static DepthMap FromPng(string path)
    {
        bool sixteenBit = PngBitDepth(path) == 16;
        var img = ImageFile.Read(path);
        var v = new float[img.Width * img.Height];
        for (int i = 0; i < v.Length; i++)
            v[i] = sixteenBit ? MathF.Round(img.Data[i] * 65535f) : img.Data[i];
        return new DepthMap(img.Width, img.Height, v);
    }

    /// <summary>The bit depth in a PNG's IHDR (byte 24 of the file), or 0 when the file is shorter.</summary>
    static int PngBitDepth(string path)
    {
        using var fs = File.OpenRead(path);
        Span<byte> head = stackalloc byte[25];
        return fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length ? 0 : head[24];
    }
}
