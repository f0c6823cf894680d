using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>bf16 inference without autocast (TorchSharp has none): the network's weights are converted to bfloat16
/// explicitly, except the modules whose arithmetic must stay float32 to keep the output; those convert their input
/// on entry and hand back the caller's dtype. What stays float32 and why (measured, docs/precision.md):
/// <list type="bullet">
/// <item>the path that chooses the codes: encoder with its Swin layers, the conv before the quantiser and the
/// quantiser (<see cref="VQWeightDehazeNet.Float32Modules"/>). The quantiser alone in float32 is not enough:
/// bf16 rounding in the encoder moved 3% of the bundled model's codes to a near-tied neighbour, and each changed code
/// repaints a 4x4 patch (20.5 dB against float32). In float32 the codes are exactly float32's. It is the cheap part
/// of the net (1/2 to 1/4 resolution, ~18% of the bundled model's FLOPs);</item>
/// <item>the deformable convolutions' sampling positions, bilinear sampling and mask product
/// (Bricks/Deformable/ChannelsLastColumns, GridSampleColumns): a normalised bf16 coordinate is off by up to ~1/256
/// of the image side;</item>
/// <item>the feature-normalisation ratio of the residual decoder (<see cref="MultiScaleDecoder"/>);</item>
/// <item>the image in and out (the caller: Inference/Dehazer converts the input and the result).</item>
/// </list></summary>
public static class MixedPrecision
{
    /// <summary>Converts <paramref name="net"/> in place to <paramref name="dtype"/>, keeping the code-selection path
    /// in float32. float32 leaves the net as it is.</summary>
    public static void Apply(VQWeightDehazeNet net, ScalarType dtype)
    {
        if (dtype == ScalarType.Float32) return;
        // Child by child: converting all and the kept ones back would leave those with bf16-rounded weights.
        var keep = net.Float32Modules().ToHashSet();
        foreach (var (_, child) in net.named_children())
            if (!keep.Contains(child)) child.to(dtype);
    }
}
