using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Sizes and sampling geometry of one modulated deformable convolution call: where kernel point
/// k = i * kw + j of output pixel (oy, ox) samples before its offset is added.</summary>
internal sealed record DeformGeometry(DeformShape Shape, int Stride, int Padding, int Dilation, int Groups)
{
    /// <summary>Base row oy*stride - pad + i*dil of output rows [r0, r0 + rows), shaped [K, rows, 1].</summary>
    public Tensor BaseRows(long r0, long rows, ScalarType dtype, Device device)
    {
        var kernel = arange(Shape.KernelHeight, dtype, device).mul_(Dilation).repeat_interleave(Shape.KernelWidth);  // [K]
        var output = arange(r0, r0 + rows, dtype: dtype, device: device).mul_(Stride).sub_(Padding);                 // [rows]
        return kernel.view(-1, 1, 1) + output.view(1, rows, 1);
    }

    /// <summary>Base column ox*stride - pad + j*dil, shaped [K, 1, W_out].</summary>
    public Tensor BaseCols(ScalarType dtype, Device device)
    {
        var kernel = arange(Shape.KernelWidth, dtype, device).mul_(Dilation).repeat(Shape.KernelHeight);            // [K]
        var output = arange(Shape.OutWidth, dtype, device).mul_(Stride).sub_(Padding);                               // [W_out]
        return kernel.view(-1, 1, 1) + output.view(1, 1, -1);
    }
}
