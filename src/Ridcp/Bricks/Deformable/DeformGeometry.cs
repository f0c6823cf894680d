using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Sizes and sampling geometry of one modulated deformable convolution call: where kernel point
/// k = i * kw + j of output pixel (oy, ox) samples before its offset is added.</summary>
internal sealed record DeformGeometry(DeformShape Shape, int Stride, int Padding, int Dilation, int Groups)
{
    /// <summary>Base row (oy*stride - pad + i*dil) of output rows [r0, r0 + rows), shaped [rows, 1, 1, K] for the
    /// (row, col, group, k) layout, or [K, rows, 1] for the (k, row, col) layout.</summary>
    public Tensor BaseRows(long r0, long rows, ScalarType dtype, Device device, bool kernelLast)
    {
        var kernel = arange(Shape.KernelHeight, dtype, device).mul(Dilation).repeat_interleave(Shape.KernelWidth);   // [K]
        var output = arange(r0, r0 + rows, dtype: dtype, device: device).mul(Stride).sub(Padding);                 // [rows]
        return kernelLast ? output.view(rows, 1, 1, 1) + kernel.view(1, 1, 1, -1) : kernel.view(-1, 1, 1) + output.view(1, rows, 1);
    }

    /// <summary>Base column (ox*stride - pad + j*dil), shaped [1, W_out, 1, K] or [K, 1, W_out] like <see cref="BaseRows"/>.</summary>
    public Tensor BaseCols(ScalarType dtype, Device device, bool kernelLast)
    {
        var kernel = arange(Shape.KernelWidth, dtype, device).mul(Dilation).repeat(Shape.KernelHeight);             // [K]
        var output = arange(Shape.OutWidth, dtype, device).mul(Stride).sub(Padding);                                // [W_out]
        return kernelLast ? output.view(1, -1, 1, 1) + kernel.view(1, 1, 1, -1) : kernel.view(-1, 1, 1) + output.view(1, 1, -1);
    }
}
