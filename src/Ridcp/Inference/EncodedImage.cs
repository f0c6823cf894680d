using static TorchSharp.torch;

namespace Ridcp.Inference;

/// <summary>One image's encoder output and pre-quantisation latent (<see cref="Dehazer.Encode"/>), kept so that another
/// CHM alpha costs only matching and the decoders (<see cref="Dehazer.Decode"/>). Owns its tensors.</summary>
public sealed class EncodedImage : IDisposable
{
    internal EncodedImage(Tensor encFeats, Tensor featToQuant, int width, int height, long workHeight, long workWidth)
    {
        EncFeats = encFeats.DetachFromDisposeScope();
        FeatToQuant = featToQuant.DetachFromDisposeScope();
        Width = width; Height = height; WorkHeight = workHeight; WorkWidth = workWidth;
    }

    internal Tensor EncFeats { get; }
    internal Tensor FeatToQuant { get; }
    /// <summary>Size of the original image.</summary>
    public int Width { get; }
    public int Height { get; }
    /// <summary>Size the network saw before padding (half the original under the large-image rule).</summary>
    internal long WorkHeight { get; }
    internal long WorkWidth { get; }

    /// <summary>Native memory held, in bytes (float32 tensors).</summary>
    public long Bytes => (EncFeats.numel() + FeatToQuant.numel()) * sizeof(float);

    public void Dispose()
    {
        EncFeats.Dispose();
        FeatToQuant.Dispose();
    }
}
