using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>One way of evaluating the deformable convolution on a band of output rows.</summary>
internal interface IDeformColumns
{
    /// <summary>Bytes of working memory per output row, for choosing the chunk height.</summary>
    long BytesPerOutputRow { get; }

    /// <summary>Output rows [r0, r0 + rows) without bias, [B, C_out, rows, W_out], from the offsets
    /// [B, 2*dg*K, rows, W_out] and masks [B, dg*K, rows, W_out] of those rows.</summary>
    Tensor Convolve(Tensor offsetRows, Tensor maskRows, long r0);
}
