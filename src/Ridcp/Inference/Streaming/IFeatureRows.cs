using static TorchSharp.torch;

namespace Ridcp.Inference.Streaming;

/// <summary>A feature map of one image that a stage of a streamed forward reads rows of: a spilled map, or the
/// padded image in memory.</summary>
public interface IFeatureRows
{
    long Height { get; }
    /// <summary>Input pixels per map pixel along a side.</summary>
    int Scale { get; }
    /// <summary>Rows [row, row + count) as [1, C, count, W].</summary>
    Tensor Read(long row, long count);
}

/// <summary>A map held in memory (the padded input image), read as views.</summary>
public sealed class TensorRows(Tensor map, int scale) : IFeatureRows
{
    public long Height => map.shape[2];
    public int Scale => scale;
    public Tensor Read(long row, long count) => map.narrow(2, row, count);
}
