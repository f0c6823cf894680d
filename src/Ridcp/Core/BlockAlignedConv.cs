using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Core;

/// <summary>
/// 2-D convolution whose output channels are zero-padded to a multiple of 16 while a gradient to the input is
/// wanted, to work around a bug of the oneDNN 3.7.1 in LibTorch 2.10 (TorchSharp 0.107) on CPU.
///
/// The bug: oneDNN's jit backward-data kernel for a k&gt;1 float32 convolution whose output-channel count is not a
/// multiple of its 16-channel block (so oneDNN pads it internally, e.g. the discriminator's 1-channel head, the
/// 3-channel image convs) returns a wrong input gradient: intermittently NaN (about one call in ten with two
/// threads on an AVX-512 AMD EPYC), otherwise sometimes finite garbage. Forward and the weight gradient are right;
/// one thread, 1x1 kernels and channel counts that are multiples of 16 are right; DNNL_MAX_CPU_ISA=AVX2 does not
/// help; the same kernel in oneDNN 2.6.3 (Debian's PyTorch 1.13) is right on the same machine. Giving oneDNN a
/// weight with real zero rows makes the channel count a whole number of blocks, so the buggy padding path is never
/// taken; the padded output channels are sliced off, so values and gradients equal the plain convolution's.
/// The arithmetic costs nothing extra (oneDNN computes the padded channels anyway).
///
/// Without a gradient the padding is a speed-up instead: oneDNN has no fast kernel for an unaligned channel count
/// above one block, so the DCN's conv_offset (32 -> 108 channels, 3x3) took 705 ms in NCHW / 398 ms in NHWC on a
/// 352 x 528 map and 381 / 97 ms padded to 112 (2 threads, CPU time; docs/benchmarks.md). Counts under one block
/// (the 3-channel image convs) gain nothing from padding and stay as they are in inference.
/// </summary>
public static class BlockAlignedConv
{
    /// <summary>oneDNN's channel block with AVX-512 (16 floats); a multiple of the AVX2 block (8) too.</summary>
    private const long Block = 16;

    /// <summary>conv.forward(x), with the output channels padded when the bug could hit (zero padding mode only).</summary>
    public static Tensor Forward(Conv2d conv, Tensor x)
    {
        if (conv.padding is null || conv.padding_mode != PaddingModes.Zeros || !Affected(x, conv.weight!, conv.groups))
            return conv.forward(x);
        return Conv2d(x, conv.weight!, conv.bias, conv.stride, conv.padding, conv.dilation);
    }

    /// <summary>F.conv2d (groups 1), with the output channels padded when the bug could hit.</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, long[] stride, long[] padding, long[]? dilation = null)
    {
        dilation ??= [1, 1];
        if (!Affected(x, weight, groups: 1))
            return nn.functional.conv2d(x, weight, bias, stride, padding, dilation);
        using var scope = NewDisposeScope();
        long outChannels = weight.shape[0];
        long extra = Block - outChannels % Block;
        var paddedWeight = cat([weight, zeros([extra, .. weight.shape[1..]], weight.dtype, weight.device)], 0);
        var paddedBias = bias is null ? null : cat([bias, zeros([extra], bias.dtype, bias.device)], 0);
        return nn.functional.conv2d(x, paddedWeight, paddedBias, stride, padding, dilation)
            .narrow(1, 0, outChannels).MoveToOuterDisposeScope();
    }

    /// <summary>CPU convs with groups 1, a spatial kernel and an unaligned output-channel count are padded when
    /// a gradient flows to the input of a float32 conv (only those run the broken kernel), or, without a
    /// gradient, when the count exceeds one block (faster).</summary>
    private static bool Affected(Tensor x, Tensor weight, long groups)
    {
        if (groups != 1 || x.device_type != DeviceType.CPU || weight.shape[0] % Block == 0 || weight.shape[2] * weight.shape[3] == 1)
            return false;
        if (is_grad_enabled()) return x.requires_grad && x.dtype == ScalarType.Float32;
        return weight.shape[0] > Block;
    }
}
