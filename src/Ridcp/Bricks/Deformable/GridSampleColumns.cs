using Ridcp.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>The evaluation of <see cref="ModulatedDeformConv"/>: grid_sample (bilinear, zero padding, align_corners=false) samples every
/// (group, kernel point, pixel) position for all channels of the group, the masks scale them, and one matmul with
/// weight.view(C_out, C_in*K) convolves. grid_sample's backward carries the gradients to input, offsets and masks.
/// Coordinates pass through grid_sample's normalisation, (2p + 1) / size - 1 and back, which costs about
/// size * 6e-8 px of position in float32 (4e-5 px at 1500 px), far below the parity tolerances.
/// In a reduced-precision net (bf16 inference) the positions, the sampling and the mask product stay in float32 —
/// a bf16 coordinate normalised to [-1, 1] is only good to ~1/256 of the image width (2.6 px at 672 px) — and only
/// the columns enter the matmul in the weight's dtype.</summary>
internal sealed class GridSampleColumns(Tensor input, Tensor weight, DeformGeometry geometry, bool needsGrad) : IDeformColumns
{
    private readonly DeformShape shape = geometry.Shape;
    private static Tensor SamplingPrecision(Tensor t) => t.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? t.to(ScalarType.Float32) : t;
    private readonly Tensor grouped = Grouped(SamplingPrecision(input), geometry);
    private readonly Tensor weight2d = weight.reshape(geometry.Shape.OutChannels, geometry.Shape.InChannels * geometry.Shape.KernelPoints);

    /// <summary>The input as [B*dg, C_in/dg, H, W], one grid_sample image per deformable group. A single image in
    /// channels-last order (Core/ChannelsLast, inference) is viewed in place: grid_sample reads any strides and
    /// writes its own dense output, with the same values, and a dense copy would be one more full-size map while the
    /// warp block runs. Everything else (training's NCHW maps, batches) is made dense first, as before.</summary>
    private static Tensor Grouped(Tensor input, DeformGeometry geometry)
    {
        var s = geometry.Shape;
        var dense = s.Batch == 1 && ChannelsLast.Is(input) ? input : input.contiguous();
        return dense.view(s.Batch * geometry.Groups, s.InChannels / geometry.Groups, s.Height, s.Width);
    }

    /// <summary>Working memory per output row: sampled columns, plus grid, positions and masks per sample.</summary>
    public long BytesPerOutputRow => shape.Batch * shape.KernelPoints * shape.OutWidth * grouped.ElementSize *
                                     (shape.InChannels + 8 * geometry.Groups);

    public Tensor Convolve(Tensor offsetRows, Tensor maskRows, long r0, bool maskLogits)
    {
        long b = shape.Batch, dg = geometry.Groups, k = shape.KernelPoints, rows = offsetRows.shape[2], wOut = shape.OutWidth;
        var pairs = SamplingPrecision(offsetRows).reshape(b, dg, k, 2, rows, wOut);
        // Normalised position = offset * 2/size + normalised base position; the base part is small ([K, rows, W_out]).
        var baseY = geometry.BaseRows(r0, rows, grouped.dtype, input.device).mul_(2.0 / shape.Height).add_(1.0 / shape.Height - 1.0);
        var baseX = geometry.BaseCols(grouped.dtype, input.device).mul_(2.0 / shape.Width).add_(1.0 / shape.Width - 1.0);
        var gy = pairs.select(3, 0).mul(2.0 / shape.Height).add_(baseY);                   // [B, dg, K, rows, W_out]
        var gx = pairs.select(3, 1).mul(2.0 / shape.Width).add_(baseX);
        var grid = stack([gx, gy], -1).view(b * dg, k * rows, wOut, 2);

        var sampled = nn.functional.grid_sample(grouped, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        var modulation = SamplingPrecision(maskLogits ? maskRows.sigmoid() : maskRows).reshape(b * dg, 1, k * rows, wOut);
        sampled = needsGrad ? sampled * modulation : sampled.mul_(modulation);               // [B*dg, C_in/dg, K*rows, W_out]
        // Memory order (b, g, c, k, row, col) = rows c*K + k of the im2col matrix, like weight.view(C_out, C_in*K).
        var columns = sampled.view(b, shape.InChannels * k, rows * wOut);
        if (columns.dtype != weight2d.dtype) columns = columns.to(weight2d.dtype);
        return weight2d.matmul(columns).view(b, shape.OutChannels, rows, wOut);
    }
}
