using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Residual;

/// <summary>Port of <c>ResBlock</c> (RIDCP basicsr/archs/ridcp_utils.py): the pre-activation residual block of
/// taming-transformers, output = input + conv(input) with
/// conv = Sequential(NormLayer, ActLayer, Conv3x3, NormLayer, ActLayer, Conv3x3).</summary>
/// <remarks>The positions 1 and 4 hold parameter-free activations; they are kept so that the keys read
/// <c>conv.0.norm.weight</c>, <c>conv.2.weight</c>, <c>conv.3.norm.weight</c>, <c>conv.5.weight</c>.
/// The residual sum needs in_channel == out_channel, as in the official code.</remarks>
public sealed class ResBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;

    public ResBlock(long inChannel, long outChannel, string normType = "gn", string actType = "leakyrelu") : base(nameof(ResBlock))
    {
        // Each activation follows a norm that returns a new tensor (not "none", an identity), so it may overwrite it.
        bool normMakesNewTensor = normType.ToLowerInvariant() != "none";
        conv = nn.Sequential(
            new NormLayer(inChannel, normType),
            new ActLayer(inChannel, actType, normMakesNewTensor),
            nn.Conv2d(inChannel, outChannel, 3, stride: 1, padding: 1),
            new NormLayer(outChannel, normType),
            new ActLayer(outChannel, actType, normMakesNewTensor),
            nn.Conv2d(outChannel, outChannel, 3, stride: 1, padding: 1));
        RegisterComponents();
    }

    /// <summary>norm, act, conv, norm, act, conv: the block's layers in order, for a forward run layer by layer
    /// (Inference/Streaming), which needs the image-wide moments before each norm.</summary>
    internal nn.Module<Tensor, Tensor>[] Layers => conv.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();

    /// <remarks>The sum is taken in place on the conv output, which autograd does not need (only the conv's input
    /// and weight): one full-size map less per block.</remarks>
    public override Tensor forward(Tensor input) => conv.forward(input).add_(input);
}
