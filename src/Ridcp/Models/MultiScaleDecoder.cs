using Ridcp.Bricks.Deformable;
using Ridcp.Bricks.Residual;
using Ridcp.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Port of <c>MultiScaleDecoder</c> (RIDCP basicsr/archs/dehaze_vq_weight_arch.py), the residual branch of
/// the LQ stage: per x2 stage an <c>upsampler</c> (the DecoderBlock layout) and a <c>warp</c> block that aligns the
/// code decoder's features to the residual features with a modulated deformable conv, added back with the feature
/// normalisation (NFA, paper Sec. 3.2): x = x + x_vq * (mean(x) / mean(x_vq)).</summary>
/// <remarks>The means are over the whole tensor, batch and padding included, as in the official code: images of a
/// batch influence each other. The warp blocks are built even with use_warp false (their keys exist officially).</remarks>
public sealed class MultiScaleDecoder : nn.Module<Tensor, IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> upsampler;
    private readonly ModuleList<WarpBlock> warp;
    private readonly bool onlyResidual;
    private readonly bool useWarp;

    public MultiScaleDecoder(VQWeightDehazeNetOptions o) : base(nameof(MultiScaleDecoder))
    {
        onlyResidual = o.OnlyResidual;
        useWarp = o.UseWarp;
        upsampler = new ModuleList<nn.Module<Tensor, Tensor>>();
        warp = new ModuleList<WarpBlock>();
        int res = o.GtResolution >> o.MaxDepth;
        for (int i = 0; i < o.MaxDepth; i++)
        {
            int inCh = o.ChannelQueryDict[res], outCh = o.ChannelQueryDict[res * 2];
            upsampler.Add(DecoderBlock.Layers(inCh, outCh, o.NormType, o.ActType));
            warp.Add(new WarpBlock(outCh));
            res *= 2;
        }
        RegisterComponents();
    }

    /// <summary>Stage i's upsampler layers (Upsample, conv, ResBlock, ResBlock) and warp block, for a forward run
    /// layer by layer (Inference/Streaming).</summary>
    internal nn.Module<Tensor, Tensor>[] UpsamplerLayers(int i) => DecoderBlock.LayersOf(upsampler[i]);
    internal WarpBlock Warp(int i) => warp[i];

    /// <param name="input">Encoder features (the caller detaches them, as the official encode_and_decode does).</param>
    /// <param name="codeDecoderOutput">Output of each decoder_group stage, coarse to fine.</param>
    public override Tensor forward(Tensor input, IReadOnlyList<Tensor> codeDecoderOutput)
    {
        using var scope = NewDisposeScope();
        var x = input;
        for (int i = 0; i < upsampler.Count; i++)
        {
            // Full-resolution maps are large (77 MB per 64-channel map of a 448x672 input): each intermediate is
            // released as soon as it is used (autograd keeps its own references when training).
            // Inference runs in channels-last order (Core/ChannelsLast); the sums below keep up's order.
            var up = upsampler[i].forward(ChannelsLast.ForInference(x));
            if (!ReferenceEquals(x, input)) x.Dispose();
            if (onlyResidual) { x = up; continue; }
            if (useWarp)
            {
                var code = codeDecoderOutput[i].dtype == up.dtype ? codeDecoderOutput[i] : codeDecoderOutput[i].to(up.dtype);
                using var xVq = warp[i].forward(code, up);
                // Means accumulated and divided in float32 also in a bf16 net (a bf16 ratio is off by up to 0.4%).
                using var ratio = Float32Mean(up) / Float32Mean(xVq);
                if (is_grad_enabled())
                {
                    using var scaled = xVq * ratio;
                    x = up + scaled;
                    up.Dispose();
                }
                else x = up.add_(xVq.mul_(ratio));   // same values, no new full-size maps
            }
            else
            {
                x = up + codeDecoderOutput[i];
                up.Dispose();
            }
        }
        return scope.MoveToOuter(x);
    }

    /// <summary>The mean of <paramref name="t"/> as a float32 scalar, accumulated in float32 whatever t's dtype. A
    /// channels-last bf16 map on the CPU (bf16 inference) is summed where it lies, as the striped forward sums its
    /// maps (Bricks/Residual/GroupSums, one group): LibTorch's mean(dtype: float32) first makes a float32 copy of the
    /// whole full-resolution map.</summary>
    private static Tensor Float32Mean(Tensor t)
    {
        if (t.dtype == ScalarType.Float32) return t.mean();
        if (t.dtype == ScalarType.BFloat16 && t.ndim == 4 && t.permute(0, 2, 3, 1) is var nhwc && ChannelSums.Supports(nhwc))
        {
            var sums = new GroupSums(1);
            sums.Add(nhwc);
            return tensor((float)sums.Mean);
        }
        return t.mean([.. Enumerable.Range(0, (int)t.ndim).Select(d => (long)d)], false, ScalarType.Float32);
    }
}
