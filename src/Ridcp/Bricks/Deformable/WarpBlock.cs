using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Port of WarpBlock in basicsr/archs/dehaze_vq_weight_arch.py: aligns the VQ-branch features to the
/// residual branch. feat = offset(cat([x_vq, x_residual], 1)) with offset = Conv2d(2c, c, 3, 1, 1); then
/// dcn(x_vq, feat) with dcn = DCNv2Pack(c, c, 3, padding 1, 4 deformable groups).</summary>
/// <remarks>Without a gradient (inference) the block runs in bands of output rows (<see cref="ForwardInBands"/>):
/// whole-image, its temporaries — the 2c-channel concatenation, the offset feature, conv_offset's 108 (padded 112)
/// channels, the offsets and masks — were about 12 full-resolution maps of 32 channels alive at once, the peak of
/// the bundled model's forward (docs/benchmarks.md). Training keeps the whole-image path.</remarks>
public sealed class WarpBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Conv2d offset;
    private readonly DCNv2Pack dcn;

    /// <summary>Working-set target of one band (its concatenation, offset feature, conv_offset output, offsets and
    /// masks; the deformable conv samples in its own smaller row chunks). Large enough that the halo rows each band
    /// recomputes (up to 4 of the offset conv, 2 of conv_offset) stay a small share, small enough not to matter
    /// beside the full-size maps: about 38 rows at 1248 px width. The 1 MP warp block took 2.52-2.58 CPU-s with
    /// bands of 19 to 128 rows against 2.73 whole (2 threads, load 5; docs/benchmarks.md).</summary>
    internal const long BandWorkingSetBytes = 64L << 20;

    /// <summary>Fewest rows per band, bounding the recomputed halo rows to a quarter of the offset conv's.</summary>
    internal const long MinBandRows = 16;

    public WarpBlock(int channels) : base(nameof(WarpBlock))
    {
        offset = nn.Conv2d(channels * 2, channels, 3, stride: 1, padding: 1);
        dcn = new DCNv2Pack(channels, channels, 3, padding: 1, deformableGroups: 4);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x_vq, Tensor x_residual)
    {
        return is_grad_enabled() ? ForwardWhole(x_vq, x_residual) : ForwardInBands(x_vq, x_residual, BandRows(x_vq));
    }

    /// <summary>The official forward on the whole image at once (training's path).</summary>
    internal Tensor ForwardWhole(Tensor x_vq, Tensor x_residual)
    {
        using var scope = NewDisposeScope();
        var feat = OffsetFeature(x_vq, x_residual);
        return dcn.forward(x_vq, feat).MoveToOuterDisposeScope();
    }

    /// <summary>The output of the <c>offset</c> conv: the DCN's source of offsets and masks.</summary>
    public Tensor OffsetFeature(Tensor x_vq, Tensor x_residual)
    {
        using var scope = NewDisposeScope();
        return offset.forward(cat([x_vq, x_residual], 1)).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="forward"/> without gradient, <paramref name="bandRows"/> output rows at a time: both convs
    /// are 3x3, so output rows [r0, r1) need the offset feature's rows [r0 - 1, r1 + 1) and those need the inputs'
    /// rows [r0 - 2, r1 + 2), clipped at the image's borders; the deformable conv samples x_vq anywhere, so it gets
    /// the whole of x_vq (not copied: both samplers read a channels-last map in place). Only the output is a
    /// full-size map; it has x_vq's memory order. Values equal the whole-image path's up to float rounding.</summary>
    internal Tensor ForwardInBands(Tensor x_vq, Tensor x_residual, long bandRows) =>
        ForwardInBands(x_vq, x_residual, bandRows, reach: null, 0, x_vq.shape[2]);

    /// <summary>The output rows <paramref name="keptRows"/> of a forward on a window of the image's rows
    /// (Inference/Streaming), telling which rows of <paramref name="x_vq"/> the deformable conv read for them
    /// (<see cref="SampledRows"/>): they are exact where the samples lie inside the window or outside the image. The
    /// window's other rows (its halo) are not computed: the returned map holds no values there.</summary>
    internal Tensor ForwardInBands(Tensor x_vq, Tensor x_residual, (long From, long To) keptRows, out (long Lowest, long Highest) sampledRows)
    {
        var reach = dcn.RowsReached(keptRows.From, keptRows.To);
        var output = ForwardInBands(x_vq, x_residual, BandRows(x_vq), reach, keptRows.From, keptRows.To);
        sampledRows = (reach.Lowest, reach.Highest);
        return output;
    }

    /// <param name="reach">Where given, the rows the samples read are added to it (a reduction over every band's
    /// offsets, so the whole-image forward, which needs none, passes null).</param>
    /// <param name="from">First output row computed (rows before it are left without values).</param>
    /// <param name="to">End of the output rows computed.</param>
    Tensor ForwardInBands(Tensor x_vq, Tensor x_residual, long bandRows, SampledRows? reach, long from, long to)
    {
        if (bandRows < 1) throw new ArgumentOutOfRangeException(nameof(bandRows), bandRows, "a band needs at least one row");
        using var scope = NewDisposeScope();
        long h = x_vq.shape[2];
        var sampler = dcn.BandSampler(x_vq);
        var output = empty_like(x_vq);
        for (long r0 = from; r0 < to; r0 += bandRows)
        {
            using var band = NewDisposeScope();
            long rows = Math.Min(bandRows, to - r0);
            long fa = Math.Max(r0 - 1, 0), fb = Math.Min(r0 + rows + 1, h);   // offset feature rows conv_offset reads
            long ia = Math.Max(fa - 1, 0), ib = Math.Min(fb + 1, h);          // input rows the offset conv reads
            var input = cat([x_vq.narrow(2, ia, ib - ia), x_residual.narrow(2, ia, ib - ia)], 1);
            // A padded conv over a slice of rows is right where the slice holds both neighbours of a row, or where
            // the missing one lies outside the image (the zero padding stands for it): rows [fa, fb) here.
            var feat = offset.forward(input).narrow(2, fa - ia, fb - fa);
            dcn.ForwardRows(sampler, feat, r0 - fa, r0, rows, output.narrow(2, r0, rows), reach);
        }
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Rows per band for <paramref name="x_vq"/>: per row, the concatenation and offset feature (with the
    /// dense copy a conv makes of a row slice: 4c channels) and conv_offset's output with the offsets copied out
    /// of it (2 x 3*dg*K channels), in x_vq's dtype: a bf16 net's band maps are all bf16 (the fused bf16 sampler reads
    /// offsets and masks where conv_offset wrote them), so its bands are twice as tall for the same memory and
    /// recompute half as many halo rows.</summary>
    private long BandRows(Tensor x_vq)
    {
        long channelsPerRow = 4 * x_vq.shape[1] + 2 * dcn.ConvOffsetChannels;
        long bytesPerRow = Math.Max(1, x_vq.shape[0] * x_vq.shape[3] * channelsPerRow * x_vq.ElementSize);
        return Math.Max(MinBandRows, BandWorkingSetBytes / bytesPerRow);
    }
}
