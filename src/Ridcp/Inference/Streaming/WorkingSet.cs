using Ridcp.Models;

namespace Ridcp.Inference.Streaming;

/// <summary>Estimated peak memory of one forward of the LQ network, from its architecture: feature maps of C
/// channels at 1/s of the input size cost 4 C / s^2 bytes per input pixel, and at the peak about
/// <see cref="LiveMapsPerLevel"/> of them count at each scale; the latent level adds the Swin block's temporaries
/// (q, k, v, the MLP's 4C hidden map, the attention matrices of every head).</summary>
/// <remarks>The constants were fitted to measured peaks (VmHWM minus the resident size before the run) of
/// whole-image runs of the bundled model and the official configuration (docs/benchmarks.md, "Bounded working set
/// of the warp blocks"). Since the warp blocks run in row bands and matching in row chunks (inference), the live
/// maps at the peak are about 5 full-resolution ones (the code decoder's output, a ResBlock's input and two
/// temporaries, the warp output), 650 B per pixel for the bundled model; the rest of the measured 1.3-1.75 kB
/// per pixel is the kept heap's fragmentation (Core/NativeHeap: freed blocks too small for the next full-size
/// map). The matching distances no longer grow with the image (16 MB chunks, Models/WeightedMatching).</remarks>
public static class WorkingSet
{
    /// <summary>Feature maps counted per scale: 11 gives the bundled model 2.13 kB per pixel against at most
    /// 1.73 kB measured (0.27-2.1 MP, fp32), and the official configuration 5.7 kB against 3.8 kB measured.</summary>
    public const double LiveMapsPerLevel = 11;

    /// <summary>Bytes per input pixel of one forward.</summary>
    public static double BytesPerPixel(VQWeightDehazeNetOptions o)
    {
        double floats = 0;
        int depth = o.MaxDepth;
        for (int i = 0; i <= depth; i++)
            floats += LiveMapsPerLevel * o.ChannelQueryDict[o.GtResolution >> i] / Math.Pow(4, i);
        double latentPixels = 1.0 / Math.Pow(4, depth);
        int c = o.LatentChannels, ws = o.SwinWindowSize;
        floats += latentPixels * (8.0 * c + 2.0 * o.SwinNumHeads * ws * ws);
        return 4 * floats;
    }

    /// <summary>Bytes of a whole-image forward of <paramref name="pixels"/> pixels.</summary>
    public static long ForwardBytes(VQWeightDehazeNetOptions o, long pixels) => (long)(BytesPerPixel(o) * pixels);

    /// <summary>Bytes per padded pixel the image needs outside the network once the forward starts: the padded copy,
    /// the output tensor and the output image (3 floats each) and the 8-bit buffer it is encoded from. The decoded
    /// image and its input tensor exist before the planner reads the resident size, so they are counted there.</summary>
    public const double ImageBytesPerPixel = 3 * 3 * 4 + 4;

    /// <summary>Working memory that does not grow with the image: LibTorch's per-thread buffers, the allocator's
    /// heap growth step (64 MB, Core/NativeHeap) and the runtime's. Measured as the intercept of whole-image peaks
    /// against pixels, about 220 MiB (docs/streaming.md).</summary>
    public const long FixedBytes = 256L << 20;
}
