using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Core;

/// <summary>Channels-last (NHWC) memory order for inference on the CPU, where oneDNN's convolutions are fastest.</summary>
/// <remarks>
/// TorchSharp 0.107 has no <c>memory_format</c> argument, but LibTorch decides the format from the strides alone: a
/// [B, C, H, W] tensor whose channels are its innermost dimension is channels-last, and convolution, GroupNorm,
/// SiLU, nearest upsampling, concatenation along channels and elementwise arithmetic keep that order in their
/// outputs. In NCHW oneDNN reorders every map to its blocked layout and back around each convolution, and some
/// shapes fall back to slower kernels: measured on the bundled model's full-resolution maps (32 x 352 x 528,
/// 2 threads, CPU time), 3x3 convs 64->32 52 -> 42 ms, 32->108 705 -> 398 ms (97 ms with the output channels
/// padded to 112, <see cref="BlockAlignedConv"/>), the 4x4 input conv 5.8 -> 3.5 ms (docs/benchmarks.md). Values
/// change only by float rounding (a different summation order inside the convolutions, ~4e-6 on unit-scale maps).
/// Training keeps NCHW: the backward kernels of this oneDNN have a layout-dependent bug (BlockAlignedConv) and
/// the NHWC ones were not validated, so the conversion happens only without a gradient.
/// </remarks>
public static class ChannelsLast
{
    /// <summary><paramref name="x"/> [B, C, H, W] in channels-last order when no gradient is recorded and it lives
    /// on the CPU; otherwise (or if it already is) <paramref name="x"/> itself. Same shape and values.</summary>
    public static Tensor ForInference(Tensor x)
    {
        if (is_grad_enabled() || x.ndim != 4 || x.device_type != DeviceType.CPU || Is(x)) return x;
        return x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>True when the channels are the innermost dimension of a dense [B, C, H, W] tensor.</summary>
    public static bool Is(Tensor x)
    {
        if (x.ndim != 4) return false;
        var s = x.stride();
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        return s[1] == 1 && s[3] == c && s[2] == c * w && (x.shape[0] == 1 || s[0] == c * h * w);
    }
}
