using Ridcp.Imaging;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Training.Data;

/// <summary>datasets.train.max_side: photos whose longer side exceeds it are shrunk (antialiased bilinear) when
/// loaded. Cheaper crops and cheaper haze synthesis (the pair source synthesises the whole photo per sample); on a
/// 2-core CPU this decides whether the data keeps up with a small network.</summary>
public static class Downscale
{
    public static RgbImage ToMaxSide(RgbImage img, int maxSide)
    {
        if (maxSide <= 0 || Math.Max(img.Width, img.Height) <= maxSide) return img;
        double s = (double)maxSide / Math.Max(img.Width, img.Height);
        int w = Math.Max(1, (int)Math.Round(img.Width * s)), h = Math.Max(1, (int)Math.Round(img.Height * s));
        using var scope = NewDisposeScope();
        var t = F.interpolate(img.ToTensor(), size: [h, w], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return RgbImage.FromTensor(t.clamp(0, 1));
    }
}
