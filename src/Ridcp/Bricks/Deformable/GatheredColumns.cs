using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>The fast evaluation without autograd. The input, zero-padded by one pixel and laid out channel-last,
/// becomes a table with one row of C_in/dg channels per (pixel, group); each sample is the weighted sum of its four
/// neighbour rows with weights (bilinear weight x mask), computed in one fused pass by embedding_bag (mode sum,
/// per-sample weights). Neighbour coordinates are clamped into [-1, size], i.e. onto the zero border, which is
/// exactly "outside neighbours read as 0". Positions are formed in the input dtype as the official kernel does
/// (no normalisation round trip). The columns come out as [B, pixels, (group, k, channel)] and meet the weight in
/// that order.</summary>
internal sealed class GatheredColumns : IDeformColumns
{
    private readonly DeformShape shape;
    private readonly DeformGeometry geometry;
    private readonly Tensor table;            // [B * (H+2) * (W+2) * dg, C_in/dg]
    private readonly Tensor weightByGroupKernel; // [(g, k, c), C_out]
    private readonly long groupChannels;

    public GatheredColumns(Tensor input, Tensor weight, DeformGeometry geometry)
    {
        shape = geometry.Shape;
        this.geometry = geometry;
        groupChannels = shape.InChannels / geometry.Groups;
        table = nn.functional.pad(input, [1, 1, 1, 1]).permute(0, 2, 3, 1).contiguous()
                .view(-1, groupChannels);
        weightByGroupKernel = weight.reshape(shape.OutChannels, geometry.Groups, groupChannels, shape.KernelPoints)
                .permute(1, 3, 2, 0).reshape(-1, shape.OutChannels);
    }

    // Per sample: C_in/dg gathered floats, 4 int64 indices, 4 weights and ~12 position temporaries.
    public long BytesPerOutputRow => shape.Batch * shape.OutWidth * geometry.Groups * shape.KernelPoints *
                                     (groupChannels * table.ElementSize + 4 * sizeof(long) + 16 * table.ElementSize);

    public Tensor Convolve(Tensor offsetRows, Tensor maskRows, long r0)
    {
        long b = shape.Batch, dg = geometry.Groups, k = shape.KernelPoints, rows = offsetRows.shape[2], wOut = shape.OutWidth;
        long h = shape.Height, w = shape.Width;
        var dtype = table.dtype;
        var device = table.device;

        // [B, rows, W_out, dg, K] layout: samples of one pixel are adjacent, as the columns need them.
        var pairs = offsetRows.reshape(b, dg, k, 2, rows, wOut).permute(0, 4, 5, 1, 2, 3);
        var y = pairs.select(5, 0) + geometry.BaseRows(r0, rows, dtype, device, kernelLast: true);
        var x = pairs.select(5, 1) + geometry.BaseCols(dtype, device, kernelLast: true);
        var m = maskRows.reshape(b, dg, k, rows, wOut).permute(0, 3, 4, 1, 2);

        var y0 = y.floor();
        var x0 = x.floor();
        var ly = y - y0;                      // torchvision: lh = h - h_low, hh = 1 - lh (float math of the kernel)
        var lx = x - x0;
        var hy = 1 - ly;
        var hx = 1 - lx;
        var weights = stack([hy * hx * m, hy * lx * m, ly * hx * m, ly * lx * m], -1).view(-1, 4);

        // Out-of-range (and non-finite) coordinates land on the zero border of the padded table.
        var row0 = y0.to(ScalarType.Int64).clamp_(-1, h).add_(1);
        var col0 = x0.to(ScalarType.Int64).clamp_(-1, w).add_(1);
        var row1 = y0.to(ScalarType.Int64).add_(1).clamp_(-1, h).add_(1);
        var col1 = x0.to(ScalarType.Int64).add_(1).clamp_(-1, w).add_(1);
        var batchBase = arange(b, ScalarType.Int64, device).mul_(h + 2).view(b, 1, 1, 1, 1);
        var group = arange(dg, ScalarType.Int64, device).view(1, 1, 1, dg, 1);
        Tensor Row(Tensor r, Tensor c) => (batchBase + r).mul_(w + 2).add_(c).mul_(dg).add_(group);
        var indices = stack([Row(row0, col0), Row(row0, col1), Row(row1, col0), Row(row1, col1)], -1).view(-1, 4);

        var columns = WeightedGather(indices, weights).view(b, rows * wOut, dg * k * groupChannels);
        return columns.matmul(weightByGroupKernel)                                              // [B, rows*W_out, C_out]
                      .permute(0, 2, 1).reshape(b, shape.OutChannels, rows, wOut);
    }

    /// <summary>out[s] = sum over the four neighbours n of weights[s, n] * table[indices[s, n]].</summary>
    private Tensor WeightedGather(Tensor indices, Tensor weights)
    {
        using var bag = nn.EmbeddingBag(1, groupChannels, mode: EmbeddingBagMode.Sum);
        // The module only lends the kernel its table; Parameter takes over a fresh alias of it.
        bag.weight = new Parameter(table.alias(), requires_grad: false);
        return bag.forward(indices, null, weights);
    }
}
