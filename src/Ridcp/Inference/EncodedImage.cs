using Ridcp.Imaging;
using static TorchSharp.torch;

namespace Ridcp.Inference;

/// <summary>One image's encoder output and pre-quantisation latent (<see cref="Dehazer.Encode"/>), kept so that another
/// CHM alpha costs only matching and the decoders (<see cref="Dehazer.Decode"/>). An image whose forward does not fit
/// the dehazer's memory budget is kept as it is instead (<see cref="Image"/>): each alpha then runs the whole forward
/// in stripes, slower but within the budget. Owns its tensors.</summary>
public sealed class EncodedImage : IDisposable
{
    internal EncodedImage(Tensor encFeats, Tensor featToQuant, int width, int height, long workHeight, long workWidth)
    {
        EncFeats = encFeats.DetachFromDisposeScope();
        FeatToQuant = featToQuant.DetachFromDisposeScope();
        Width = width; Height = height; WorkHeight = workHeight; WorkWidth = workWidth;
    }

    internal EncodedImage(RgbImage image)
    {
        Image = image;
        Width = image.Width; Height = image.Height;
    }

    internal Tensor? EncFeats { get; }
    internal Tensor? FeatToQuant { get; }
    /// <summary>The image itself where it was too large to encode within the budget (then no tensors are held).</summary>
    internal RgbImage? Image { get; }
    /// <summary>Size of the original image.</summary>
    public int Width { get; }
    public int Height { get; }
    /// <summary>Size the network saw before padding (half the original under the large-image rule).</summary>
    internal long WorkHeight { get; }
    internal long WorkWidth { get; }

    /// <summary>Memory held, in bytes (float32 tensors, or the kept image's pixels).</summary>
    public long Bytes => Image is not null ? Image.Data.LongLength * sizeof(float) : (EncFeats!.numel() + FeatToQuant!.numel()) * sizeof(float);

    public void Dispose()
    {
        EncFeats?.Dispose();
        FeatToQuant?.Dispose();
    }
}
