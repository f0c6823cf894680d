using Ridcp.Models;

namespace Ridcp.Inference.Tiling;

/// <summary>Estimated peak memory of one forward of the LQ network, from its architecture: feature maps of C
/// channels at 1/s of the input size cost 4 C / s^2 bytes per input pixel, and at the peak about
/// <see cref="LiveMapsPerLevel"/> of them are alive at each scale (both decoder branches, the skip inputs of the
/// ResBlocks, the WarpBlock's concatenation, offsets and masks, GroupNorm temporaries, the allocator's slack); the
/// latent level adds the Swin block's temporaries (q, k, v, the MLP's 4C hidden map, the attention matrices of
/// every head) and the matching distances to every code.</summary>
/// <remarks>The constants were fitted to measured peaks (VmHWM minus the resident size before the run) of
/// whole-image runs of the bundled model and the official configuration; docs/tiling.md lists them.</remarks>
public static class WorkingSet
{
    /// <summary>Feature maps alive at the peak, per scale (fitted, docs/tiling.md).</summary>
    public const double LiveMapsPerLevel = 14;

    /// <summary>Bytes per input pixel of one forward.</summary>
    public static double BytesPerPixel(VQWeightDehazeNetOptions o)
    {
        double floats = 0;
        int depth = o.MaxDepth;
        for (int i = 0; i <= depth; i++)
            floats += LiveMapsPerLevel * o.ChannelQueryDict[o.GtResolution >> i] / Math.Pow(4, i);
        double latentPixels = 1.0 / Math.Pow(4, depth);
        int c = o.LatentChannels, ws = o.SwinWindowSize;
        floats += latentPixels * (8.0 * c + 2.0 * o.SwinNumHeads * ws * ws + 3.0 * o.CodebookParams[0].Size);
        return 4 * floats;
    }

    /// <summary>Bytes of a forward on a tile of <paramref name="pixels"/> pixels.</summary>
    public static long ForwardBytes(VQWeightDehazeNetOptions o, long pixels) => (long)(BytesPerPixel(o) * pixels);

    /// <summary>Bytes per padded pixel the image needs outside the network once the forward starts: the padded copy,
    /// the output tensor and the output image (3 floats each) and the 8-bit buffer it is encoded from. The decoded
    /// image and its input tensor exist before the planner reads the resident size, so they are counted there.</summary>
    public const double ImageBytesPerPixel = 3 * 3 * 4 + 4;

    /// <summary>Working memory that does not grow with the image: LibTorch's per-thread buffers, the allocator's
    /// heap growth step (64 MB, Core/NativeHeap) and the runtime's. Measured as the intercept of whole-image peaks
    /// against pixels, about 220 MiB (docs/tiling.md).</summary>
    public const long FixedBytes = 256L << 20;
}
