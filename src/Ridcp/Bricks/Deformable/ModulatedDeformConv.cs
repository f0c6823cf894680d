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
/// </summary>
/// <remarks>Evaluated by grid_sample (all samples of a deformable group in one call) and one matmul per chunk of
/// output rows, chunks sized so that their working set stays under <see cref="DefaultWorkingSetBytes"/>; autograd
/// runs through both. (A gather through embedding_bag was tried: exact but slower on realistic, spatially coherent
/// offsets, 1.2-1.3 s against 1.0 s CPU at 64 x 384 x 512.)</remarks>
public static class ModulatedDeformConv
{
    /// <summary>Working-set bound of one row chunk (sampled columns plus indices and weights); at 64 channels on a
    /// 1500 x 1000 map the sampled columns alone would be 3.5 GB. Small on purpose: chunks under glibc's mmap
    /// threshold reuse heap memory instead of faulting in fresh zeroed pages, and stay closer to the caches. At the
    /// small training config (32 channels, 2 x 128 x 128) forward + backward took 1.3 CPU s at 512 MB (one chunk),
    /// 0.27 s at 4-16 MB; much smaller chunks lose again in the backward, where every chunk's grid_sample
    /// gradient is a full-size input gradient that autograd sums.</summary>
    public const long DefaultWorkingSetBytes = 16L << 20;

    public static Tensor Apply(Tensor input, Tensor offset, Tensor mask, Tensor weight, Tensor? bias,
                               int stride = 1, int padding = 1, int dilation = 1, int deformableGroups = 1)
        => Apply(input, offset, mask, weight, bias, stride, padding, dilation, deformableGroups, DefaultWorkingSetBytes);

    internal static Tensor Apply(Tensor input, Tensor offset, Tensor mask, Tensor weight, Tensor? bias,
                                 int stride, int padding, int dilation, int deformableGroups, long workingSetBytes)
    {
        var shape = DeformShape.Check(input, offset, mask, weight, bias, stride, padding, dilation, deformableGroups);
        var geometry = new DeformGeometry(shape, stride, padding, dilation, deformableGroups);
        using var scope = NewDisposeScope();

        bool needsGrad = is_grad_enabled() && (input.requires_grad || offset.requires_grad || mask.requires_grad ||
                                               weight.requires_grad || (bias?.requires_grad ?? false));
        var columns = DeformColumns.For(input, weight, geometry, needsGrad);
        return ConvolveRows(columns, offset, mask, bias, 0, needsGrad, workingSetBytes).MoveToOuterDisposeScope();
    }

    /// <summary>Output rows [r0, r0 + rows) with bias, [B, C_out, rows, W_out], from the offsets
    /// [B, 2*dg*K, rows, W_out] and masks [B, dg*K, rows, W_out] of those rows, in chunks of rows whose working set
    /// stays under <paramref name="workingSetBytes"/>. <see cref="Apply(Tensor, Tensor, Tensor, Tensor, Tensor?, int, int, int, int)"/>
    /// passes all rows; the warp block's banded inference (WarpBlock) one band at a time, with a
    /// <paramref name="destination"/> [B, C_out, rows, W_out] (a slice of its output) that each chunk is copied into
    /// instead of concatenating the chunks; the destination is returned then. <paramref name="maskLogits"/>: the masks
    /// come before their sigmoid (<see cref="IDeformColumns.Convolve"/>).</summary>
    internal static Tensor ConvolveRows(IDeformColumns columns, Tensor offsetRows, Tensor maskRows, Tensor? bias, long r0,
                                        bool needsGrad, long workingSetBytes, Tensor? destination = null, bool maskLogits = false)
    {
        using var scope = NewDisposeScope();
        long outRows = offsetRows.shape[2];
        long rowsPerChunk = Math.Clamp(workingSetBytes / Math.Max(1, columns.BytesPerOutputRow), 1, outRows);
        var chunks = new List<Tensor>();
        for (long c0 = 0; c0 < outRows; c0 += rowsPerChunk)
        {
            long rows = Math.Min(rowsPerChunk, outRows - c0);
            using var chunkScope = NewDisposeScope();
            var output = columns.Convolve(offsetRows.narrow(2, c0, rows), maskRows.narrow(2, c0, rows), r0 + c0, maskLogits);   // [B, C_out, rows, W_out]
            if (bias is not null) output = needsGrad ? output + bias.view(1, -1, 1, 1) : output.add_(bias.view(1, -1, 1, 1));
            if (destination is not null) destination.narrow(2, c0, rows).copy_(output);
            else chunks.Add(output.MoveToOuterDisposeScope());
        }
        if (destination is not null) return destination;
        var result = chunks.Count == 1 ? chunks[0] : cat(chunks, 2);
        return result.MoveToOuterDisposeScope();
    }
}
