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
/// The arithmetic costs nothing extra (oneDNN computes the padded channels anyway); only the cases that need it
/// are padded, and never without a gradient (inference is unchanged).
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

    /// <summary>Only CPU float32 convs with a spatial kernel, an unaligned output-channel count and a gradient
    /// flowing to the input run the broken kernel.</summary>
    private static bool Affected(Tensor x, Tensor weight, long groups) =>
        groups == 1 && x.device_type == DeviceType.CPU && x.dtype == ScalarType.Float32
        && weight.shape[0] % Block != 0 && weight.shape[2] * weight.shape[3] > 1
        && is_grad_enabled() && x.requires_grad;
}
