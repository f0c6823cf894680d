using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>The lowest and highest input row that the deformable samples of some output rows read (bilinear sampling
/// reads the rows on both sides of a position). A warp block run on a window of the image's rows
/// (Inference/Streaming) equals the whole image's for those output rows where these lie inside the window or
/// outside the image (where both read zeros).</summary>
/// <param name="from">First output row watched.</param>
/// <param name="to">Output row after the last one watched.</param>
internal sealed class SampledRows(long from, long to, int kernelHeight, int padding)
{
    public long Lowest { get; private set; } = long.MaxValue;
    public long Highest { get; private set; } = long.MinValue;

    /// <summary>Adds the offsets [B, 2*dg*K, rows, W] (pairs of row and column offsets per group and kernel point)
    /// of output rows [r0, r0 + rows) (stride and dilation 1).</summary>
    public void Add(Tensor offsets, long r0)
    {
        long rows = offsets.shape[2];
        long a = Math.Max(r0, from), b = Math.Min(r0 + rows, to);
        if (a >= b) return;
        using var scope = NewDisposeScope();
        var rowOffsets = offsets.reshape(offsets.shape[0], -1, 2, rows, offsets.shape[3]).select(2, 0).narrow(2, a - r0, b - a);
        Lowest = Math.Min(Lowest, (long)Math.Floor(a - padding + rowOffsets.min().ToDouble()));
        Highest = Math.Max(Highest, (long)Math.Floor(b - 1 - padding + kernelHeight - 1 + rowOffsets.max().ToDouble()) + 1);
    }
}
