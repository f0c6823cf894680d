using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Modulated deformable convolution (DCNv2, Zhu et al. 2019) from plain tensor operations, with the
/// semantics of torchvision.ops.deform_conv2d and basicsr/mmcv modulated_deform_conv (the official RIDCP op is
/// basicsr's CUDA kernel): for output pixel (oy, ox), kernel point k = i * kw + j and deformable group g the sample
/// sits at (oy*stride - pad + i*dil + dy, ox*stride - pad + j*dil + dx) with dy = offset[g*2K + 2k],
/// dx = offset[g*2K + 2k + 1]; it is the bilinear blend of the four neighbours, neighbours outside the image read
/// as 0 (so a sample counts only if -1 &lt; y &lt; H and -1 &lt; x &lt; W), times mask[g*K + k]; the resulting
/// C_in*K columns go through the ordinary conv weight plus bias. Input channel c belongs to group c / (C_in / dg).
/// Differentiable w.r.t. input, offset, mask, weight and bias (grid_sample and matmul carry the autograd).</summary>
public static class ModulatedDeformConv
{
    /// <summary>Upper bound for the sampled-column buffer of one row chunk (C_in * K * rows * W_out floats); at 64
    /// channels on a 1500 x 1000 map the whole buffer would be 3.5 GB.</summary>
    public const long DefaultColumnBudgetBytes = 512L << 20;

    public static Tensor Apply(Tensor input, Tensor offset, Tensor mask, Tensor weight, Tensor? bias,
                               int stride = 1, int padding = 1, int dilation = 1, int deformableGroups = 1)
        => Apply(input, offset, mask, weight, bias, stride, padding, dilation, deformableGroups, DefaultColumnBudgetBytes);

    internal static Tensor Apply(Tensor input, Tensor offset, Tensor mask, Tensor weight, Tensor? bias,
                                 int stride, int padding, int dilation, int deformableGroups, long columnBudgetBytes)
    {
        var shape = DeformShape.Check(input, offset, mask, weight, bias, stride, padding, dilation, deformableGroups);
        using var scope = NewDisposeScope();

        long b = shape.Batch, dg = deformableGroups, k = shape.KernelPoints;
        var grouped = input.contiguous().view(b * dg, shape.InChannels / dg, shape.Height, shape.Width);
        var weight2d = weight.reshape(shape.OutChannels, shape.InChannels * k);
        bool needsGrad = is_grad_enabled() && (input.requires_grad || offset.requires_grad || mask.requires_grad ||
                                               weight.requires_grad || (bias?.requires_grad ?? false));

        long bytesPerRow = b * shape.InChannels * k * shape.OutWidth * input.ElementSize;
        long rowsPerChunk = Math.Clamp(columnBudgetBytes / Math.Max(1, bytesPerRow), 1, shape.OutHeight);
        var chunks = new List<Tensor>();
        for (long r0 = 0; r0 < shape.OutHeight; r0 += rowsPerChunk)
        {
            long rows = Math.Min(rowsPerChunk, shape.OutHeight - r0);
            using var chunkScope = NewDisposeScope();
            var grid = SamplingGrid(offset.narrow(2, r0, rows), shape, r0, stride, padding, dilation, dg);
            // [B*dg, C_in/dg, K*rows, W_out]: every (group, kernel point, pixel) sample, all channels of the group.
            var sampled = nn.functional.grid_sample(grouped, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
            var modulation = mask.narrow(2, r0, rows).reshape(b * dg, 1, k * rows, shape.OutWidth);
            sampled = needsGrad ? sampled * modulation : sampled.mul_(modulation);
            // Memory order (b, g, c, k, row, col) = rows c*K + k of the im2col matrix, like weight.view(C_out, C_in*K).
            var columns = sampled.view(b, shape.InChannels * k, rows * shape.OutWidth);
            var output = weight2d.matmul(columns);                                                   // [B, C_out, rows*W_out]
            if (bias is not null) output.add_(bias.view(1, -1, 1));
            chunks.Add(output.view(b, shape.OutChannels, rows, shape.OutWidth).MoveToOuterDisposeScope());
        }
        var result = chunks.Count == 1 ? chunks[0] : cat(chunks, 2);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>grid_sample grid [B*dg, K*rows, W_out, 2] (x, y normalised for align_corners=false, where pixel p
    /// maps to (2p + 1) / size - 1) of the sample positions of output rows [r0, r0 + rows).</summary>
    private static Tensor SamplingGrid(Tensor offsetRows, DeformShape shape, long r0, int stride, int padding, int dilation, long dg)
    {
        long b = shape.Batch, k = shape.KernelPoints, rows = offsetRows.shape[2], wOut = shape.OutWidth;
        var options = (offsetRows.dtype, offsetRows.device);
        var pairs = offsetRows.reshape(b, dg, k, 2, rows, wOut);
        var dy = pairs.select(3, 0);                                                  // [B, dg, K, rows, W_out]
        var dx = pairs.select(3, 1);

        var kernelRow = arange(shape.KernelHeight, options.dtype, options.device).mul(dilation)
                        .repeat_interleave(shape.KernelWidth).view(k, 1, 1);
        var kernelCol = arange(shape.KernelWidth, options.dtype, options.device).mul(dilation)
                        .repeat(shape.KernelHeight).view(k, 1, 1);
        var outRow = arange(r0, r0 + rows, dtype: options.dtype, device: options.device).mul(stride).sub(padding).view(1, rows, 1);
        var outCol = arange(wOut, options.dtype, options.device).mul(stride).sub(padding).view(1, 1, wOut);
        var baseY = kernelRow + outRow;                                               // [K, rows, 1]
        var baseX = kernelCol + outCol;                                               // [K, 1, W_out]

        var y = dy + baseY;
        var x = dx + baseX;
        var gy = y.mul(2.0 / shape.Height).add_(1.0 / shape.Height - 1.0);
        var gx = x.mul(2.0 / shape.Width).add_(1.0 / shape.Width - 1.0);
        return stack([gx, gy], -1).view(b * dg, k * rows, wOut, 2);
    }
}
