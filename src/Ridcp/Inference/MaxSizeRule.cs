using static TorchSharp.torch;

namespace Ridcp.Inference;

/// <summary>The large-image rule of the official inference_ridcp.py: an image with h*w >= max_size^2 is resized to
/// (h // 2, w // 2) with nn.UpsamplingBilinear2d (bilinear, align_corners=True), dehazed, and resized back to (h, w)
/// the same way. Only one halving, whatever the size (parity README section 4).</summary>
public static class MaxSizeRule
{
    /// <summary>The official default of --max_size (inference_ridcp.py); `ridcp dehaze --max-size 1500` reproduces it.</summary>
    public const int OfficialMaxSize = 1500;

    public static bool NeedsHalving(long height, long width, int? maxSize) => maxSize is int m && height * width >= (long)m * m;

    /// <summary>nn.UpsamplingBilinear2d(size) on an NCHW tensor.</summary>
    public static Tensor Resize(Tensor x, long height, long width) =>
        nn.functional.interpolate(x, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: true);

    /// <summary>Runs <paramref name="net"/> on <paramref name="x"/> [N,3,H,W] directly or through the halving path.</summary>
    /// <param name="maxSize">null: never halve (full resolution, the default of `ridcp dehaze`).</param>
    public static Tensor Apply(Tensor x, int? maxSize, Func<Tensor, Tensor> net)
    {
        long h = x.shape[2], w = x.shape[3];
        if (!NeedsHalving(h, w, maxSize)) return net(x);
        if (h < 2 || w < 2) throw new ArgumentException($"image {w}x{h} cannot be halved");
        var small = Resize(x, h / 2, w / 2);
        return Resize(net(small), h, w);
    }
}
