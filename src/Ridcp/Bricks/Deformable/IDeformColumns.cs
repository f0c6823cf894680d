using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>One way of evaluating <see cref="ModulatedDeformConv"/> row chunk by row chunk: sample the im2col columns
/// at the deformed positions and convolve them with the weight. <see cref="DeformColumns.For"/> picks it.</summary>
internal interface IDeformColumns
{
    /// <summary>Working memory per output row, which sizes the row chunks.</summary>
    long BytesPerOutputRow { get; }

    /// <summary>Output rows [r0, r0 + rows) without bias, [B, C_out, rows, W_out], from the offsets
    /// [B, 2*dg*K, rows, W_out] and masks [B, dg*K, rows, W_out] of those rows; with <paramref name="maskLogits"/>
    /// the masks are given before their sigmoid (DCNv2Pack's conv_offset output), which the evaluation applies.</summary>
    Tensor Convolve(Tensor offsetRows, Tensor maskRows, long r0, bool maskLogits);
}
