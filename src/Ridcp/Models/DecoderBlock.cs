using Ridcp.Bricks.Residual;
using Ridcp.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Port of <c>DecoderBlock</c> (RIDCP basicsr/archs/dehaze_vq_weight_arch.py): <c>block</c> =
/// Sequential(Upsample x2 nearest, Conv3x3, ResBlock, ResBlock). The same layout is used, without the
/// <c>block</c> wrapper, by the residual decoder's upsamplers (<see cref="Layers"/>).</summary>
public sealed class DecoderBlock : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> block;

    public DecoderBlock(long inChannel, long outChannel, string normType = "gn", string actType = "leakyrelu") : base(nameof(DecoderBlock))
    {
        block = Layers(inChannel, outChannel, normType, actType);
        RegisterComponents();
    }

    /// <summary>Sequential(Upsample(scale_factor=2) nearest: out[y, x] = in[y / 2, x / 2], Conv2d 3x3,
    /// ResBlock, ResBlock); keys 1.weight, 2.conv.0.norm.weight, ...</summary>
    public static nn.Module<Tensor, Tensor> Layers(long inChannel, long outChannel, string normType, string actType) =>
        nn.Sequential(
            nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest),
            nn.Conv2d(inChannel, outChannel, 3, stride: 1, padding: 1),
            new ResBlock(outChannel, outChannel, normType, actType),
            new ResBlock(outChannel, outChannel, normType, actType));

    /// <summary>Upsample, conv, ResBlock, ResBlock: the layers of one stage (of a DecoderBlock or, via
    /// <see cref="Layers"/>, a residual-decoder upsampler), for a forward run layer by layer (Inference/Streaming).</summary>
    internal static nn.Module<Tensor, Tensor>[] LayersOf(nn.Module<Tensor, Tensor> sequential) =>
        sequential.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();

    internal nn.Module<Tensor, Tensor>[] StageLayers => LayersOf(block);

    /// <remarks>Inference runs in channels-last order (Core/ChannelsLast).</remarks>
    public override Tensor forward(Tensor input) => block.forward(ChannelsLast.ForInference(input));
}
