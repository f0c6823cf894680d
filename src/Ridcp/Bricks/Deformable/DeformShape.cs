using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Checked sizes of one modulated deformable convolution call.</summary>
internal readonly record struct DeformShape(long Batch, long InChannels, long Height, long Width, long OutChannels,
                                            long KernelHeight, long KernelWidth, long OutHeight, long OutWidth)
{
    public long KernelPoints => KernelHeight * KernelWidth;

    public static DeformShape Check(Tensor input, Tensor offset, Tensor mask, Tensor weight, Tensor? bias,
                                    int stride, int padding, int dilation, int deformableGroups)
    {
        var shape = Of(input, weight, bias, stride, padding, dilation, deformableGroups);
        long k = shape.KernelPoints;
        ExpectShape(offset, "offset", [shape.Batch, 2 * deformableGroups * k, shape.OutHeight, shape.OutWidth]);
        ExpectShape(mask, "mask", [shape.Batch, deformableGroups * k, shape.OutHeight, shape.OutWidth]);
        return shape;
    }

    /// <summary>The sizes that input and weight decide (offsets and masks unchecked: a row-band caller makes them
    /// band by band).</summary>
    public static DeformShape Of(Tensor input, Tensor weight, Tensor? bias, int stride, int padding, int dilation, int deformableGroups)
    {
        if (input.ndim != 4) throw new ArgumentException($"input must be [B, C, H, W], got [{string.Join(", ", input.shape)}]");
        if (weight.ndim != 4) throw new ArgumentException($"weight must be [C_out, C_in, kh, kw], got [{string.Join(", ", weight.shape)}]");
        if (stride < 1 || dilation < 1 || padding < 0 || deformableGroups < 1)
            throw new ArgumentException($"invalid stride {stride}, padding {padding}, dilation {dilation} or deformable groups {deformableGroups}");
        long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
        long cOut = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3];
        if (weight.shape[1] != c) throw new ArgumentException($"weight has {weight.shape[1]} input channels, input has {c} (groups other than 1 are not supported)");
        if (c % deformableGroups != 0) throw new ArgumentException($"{c} input channels are not divisible by {deformableGroups} deformable groups");
        long hOut = (h + 2 * padding - dilation * (kh - 1) - 1) / stride + 1;
        long wOut = (w + 2 * padding - dilation * (kw - 1) - 1) / stride + 1;
        if (hOut < 1 || wOut < 1) throw new ArgumentException($"input {h}x{w} is too small for this kernel");
        if (bias is not null) ExpectShape(bias, "bias", [cOut]);
        return new DeformShape(b, c, h, w, cOut, kh, kw, hOut, wOut);
    }

    private static void ExpectShape(Tensor t, string name, long[] expected)
    {
        if (!t.shape.SequenceEqual(expected))
            throw new ArgumentException($"{name} must be [{string.Join(", ", expected)}], got [{string.Join(", ", t.shape)}]");
    }
}
