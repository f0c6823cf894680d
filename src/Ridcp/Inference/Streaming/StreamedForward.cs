using Ridcp.Bricks;
using Ridcp.Bricks.Neighborhood;
using Ridcp.Bricks.Residual;
using Ridcp.Core;
using Ridcp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Inference.Streaming;

/// <summary>The LQ network's test-time forward (encode_and_decode, residual-branch image) over a padded image too
/// large for memory, computed layer group by layer group over the whole image, each in stripes of rows, with the
/// feature maps between groups kept in temporary files (<see cref="SpilledMap"/>). The result is the whole-image
/// computation's: a group ends wherever the next layer needs something of the whole map — every GroupNorm its
/// moments, the residual decoder's NFA its means — and those are summed over all stripes of the map before the next
/// group starts, so no statistic is estimated; and each stripe's halo covers its group's reach (docs/streaming.md).</summary>
/// <remarks>The groups: the encoder's first convolutions; each ResBlock in two halves (norm, act, conv | norm, act,
/// conv, + skip); the stride-2 and upsampling convs; the Swin layers (halo: their windows); matching with the
/// convolutions around it; the warp blocks (halo grown per stripe until every deformable sample of the stripe's
/// rows lies inside it); residual_conv. Needs an LQ network with the residual decoder and the codebook at the
/// encoder's resolution (the official and the bundled configurations).</remarks>
public sealed class StreamedForward : IDisposable
{
    /// <summary>Working memory a convolution stage's stripes are sized for at most: with halos of 1-8 rows, taller
    /// stripes save little time and cost memory in proportion.</summary>
    public const long StageCap = 768L << 20;

    /// <summary>The Swin layers' cap: their halos (64 px for the bundled model, then 128 px) cost a stripe of few
    /// rows several times its rows (with 128 px, 46 s of a 16 MP image's 218 s on 64-row stripes), so their stripes
    /// get more; with 1.25 GiB a 5312x2988 photo peaked at 2.7 GB.</summary>
    public const long SwinStageCap = 896L << 20;

    /// <summary>Feature maps a stage holds per input pixel of its window at its finest scale besides its inputs: the
    /// normalised map, the conv's output and the conv's own copies, the stripe copied out.</summary>
    const double LiveMaps = 4;

    readonly VQWeightDehazeNet net;
    readonly VQWeightDehazeNetOptions o;
    readonly SpillFiles files;
    readonly StripeRunner run;
    readonly List<SpilledMap> maps = [];

    StreamedForward(VQWeightDehazeNet net, long heightPx, long widthPx, long stripeBudgetBytes, SpillFiles files, Action<StreamProgress>? progress, int stages)
    {
        this.net = net;
        o = net.Options;
        this.files = files;
        run = new StripeRunner(heightPx, widthPx, stripeBudgetBytes, stages, progress);
    }

    /// <summary>The residual-branch image [1, 3, cropHeight, cropWidth] (test()'s crop) of the padded input
    /// [1, 3, Hp, Wp], float32.</summary>
    /// <param name="stripeBudgetBytes">Memory for one stage's stripe (the budget left after the image buffers).</param>
    /// <param name="files">The temporary files the feature maps are spilled to (the caller's: reused by its next image).</param>
    public static Tensor Run(VQWeightDehazeNet net, Tensor padded, float alpha, long stripeBudgetBytes, SpillFiles files,
                             long cropHeight, long cropWidth, Action<StreamProgress>? progress = null)
    {
        CheckSupported(net.Options);
        using var _ = no_grad();
        using var forward = new StreamedForward(net, padded.shape[2], padded.shape[3], stripeBudgetBytes, files, progress, StageCount(net.Options));
        return forward.Forward(new TensorRows(padded, 1), alpha, cropHeight, cropWidth);
    }

    /// <summary>The features the quantizer matches, feat_to_quant [1, D, Hp/s, Wp/s] (s = 2^max_depth) of the padded
    /// input [1, 3, Hp, Wp]: the encoder's stages in stripes, then before_quant (a 1x1 conv) row chunk by row chunk.
    /// For `--alpha auto` on images whose whole forward does not fit: the result is latent-sized (1/s² of the pixels).</summary>
    public static Tensor Features(VQWeightDehazeNet net, Tensor padded, long stripeBudgetBytes, SpillFiles files,
                                  Action<StreamProgress>? progress = null)
    {
        CheckSupported(net.Options);
        using var _ = no_grad();
        using var forward = new StreamedForward(net, padded.shape[2], padded.shape[3], stripeBudgetBytes, files, progress, EncoderStageCount(net.Options));
        var encFeats = forward.Encode(new TensorRows(padded, 1));
        var parts = new List<Tensor>();
        long chunk = Math.Max(1, (64L << 20) / Math.Max(1, encFeats.Width * encFeats.Channels * 4));   // 64 MB of float32 rows at a time
        for (long row = 0; row < encFeats.Height; row += chunk)
        {
            using var scope = NewDisposeScope();
            var rows = encFeats.Read(row, Math.Min(chunk, encFeats.Height - row));
            parts.Add(net.BeforeQuant.forward(In(net.BeforeQuant, rows)).to(ScalarType.Float32).contiguous().MoveToOuterDisposeScope());
        }
        var features = cat(parts, 2);
        foreach (var part in parts) part.Dispose();
        return features;
    }

    /// <summary>Throws <see cref="NotSupportedException"/> for networks this forward cannot run.</summary>
    public static void CheckSupported(VQWeightDehazeNetOptions o)
    {
        if (!o.SplitsAtLatent)
            throw new NotSupportedException("only an LQ network with the residual decoder and its codebook at the encoder's resolution runs in stripes");
        if (o.NormType.ToLowerInvariant() == "in")
            throw new NotSupportedException("instance norm has per-image statistics that a striped forward does not gather");
    }

    /// <summary>Stages of the forward (progress): the encoder's input convs, 2 halves per ResBlock, the stride-2 and
    /// upsampling convs, the Swin layers, matching, the warp blocks and residual_conv.</summary>
    public static int StageCount(VQWeightDehazeNetOptions o)
    {
        int d = o.MaxDepth;
        bool warp = o.UseWarp && !o.OnlyResidual;
        return EncoderStageCount(o) + 1 + (4 * d + (d - 1)) + d * (1 + 4 + (warp ? 1 : 0)) + 1;
    }

    /// <summary>Stages up to the Swin layers' output (<see cref="Features"/>).</summary>
    static int EncoderStageCount(VQWeightDehazeNetOptions o) => 1 + 4 * o.MaxDepth + (o.MaxDepth - 1) + 1;

    /// <summary>Upper bound of the spilled maps' bytes alive at once: four maps of each scale's channels at that
    /// scale (float32), which covers the deepest point (code decoder output, residual features, warp output and a
    /// ResBlock's half at full resolution, and what waits at the coarser scales).</summary>
    public static long SpillBytes(VQWeightDehazeNetOptions o, long heightPx, long widthPx)
    {
        double bytes = 0;
        for (int i = 0; i <= o.MaxDepth; i++)
            bytes += 4.0 * 4 * o.ChannelQueryDict[o.GtResolution >> i] * heightPx * widthPx / (1L << (2 * i));
        return (long)bytes;
    }

    /// <summary>The encoder's stages up to the Swin layers' output (enc_feats), a map at the latent grid.</summary>
    SpilledMap Encode(IFeatureRows image)
    {
        var enc = net.Encoder;
        int d = o.MaxDepth, latent = 1 << d;

        // Encoder: in_conv and the first stride-2 conv, then per scale two ResBlocks, the next stride-2 conv between.
        var first = enc.StageLayers(0);
        var x = Stage("encoder input convs", [image], halo: 4, Bytes(1, 2), outScale: 2, sumGroups: NormLayer.GroupCount,
                      w => first[0].forward(enc.InConv.forward(ChannelsLast.ForInference(In(enc, w.Inputs[0])))));
        for (int i = 0; i < d; i++)
        {
            var layers = enc.StageLayers(i);
            if (i > 0)
            {
                int s = 1 << i;
                x = Replace(x, Stage($"encoder downsampling to 1/{2 * s}", [x], halo: 2 * s, Bytes(s, 2), 2 * s, NormLayer.GroupCount,
                                     w => layers[0].forward(w.Inputs[0])));
            }
            x = Replace(x, ResBlock($"encoder ResBlock 1/{2 << i} a", (ResBlock)layers[1], x, NormLayer.GroupCount));
            x = Replace(x, ResBlock($"encoder ResBlock 1/{2 << i} b", (ResBlock)layers[2], x, 0));
        }

        // Swin layers: no image-wide quantity, but their windows reach far.
        var swin = enc.Swin!;
        var encFeats = Replace(x, Stage("Swin layers", [x], SwinHalo(), SwinBytes(), latent, 0, w => swin.forward(w.Inputs[0]),
                                        SwinStageCap, SwinGrid(o)));
        // The Swin stripes' freed blocks stay in the heap for the later stages: handed back here (as before), those
        // stages faulted the memory in again, seconds of a 16 MP image at this machine's cost per new page
        // (docs/streaming.md); kept, the default command's peak at 5312x2988 stayed at 2.15-2.25 GB.
        return encFeats;
    }

    Tensor Forward(IFeatureRows image, float alpha, long cropHeight, long cropWidth)
    {
        int d = o.MaxDepth, latent = 1 << d;
        var encFeats = Encode(image);

        // Matching and the first code-decoder convs (after_quant, upsample, conv) up to the first GroupNorm.
        var dec0 = net.DecoderStage(0).StageLayers;
        var a = Stage("matching", [encFeats], halo: 2 * latent, Bytes(latent / 2, 2), latent / 2, NormLayer.GroupCount, w =>
        {
            var after = net.MatchLatent(net.BeforeQuant.forward(In(net.BeforeQuant, w.Inputs[0])), alpha);
            return dec0[1].forward(dec0[0].forward(ChannelsLast.ForInference(In(net.DecoderStage(0), after))));
        });

        // Code decoder: per scale two ResBlocks; its output at each scale waits for the warp block of that scale.
        var code = new SpilledMap[d];
        for (int i = 0; i < d; i++)
        {
            var layers = net.DecoderStage(i).StageLayers;
            int s = latent >> (i + 1);
            if (i > 0)
                a = Stage($"code decoder upsampling to 1/{s}", [code[i - 1]], halo: 2 * s, Bytes(s, 2), s, NormLayer.GroupCount,
                          w => layers[1].forward(layers[0].forward(ChannelsLast.ForInference(In(net.DecoderStage(i), w.Inputs[0])))));
            a = Replace(a, ResBlock($"code decoder ResBlock 1/{s} a", (ResBlock)layers[2], a, NormLayer.GroupCount));
            code[i] = Replace(a, ResBlock($"code decoder ResBlock 1/{s} b", (ResBlock)layers[3], a, 0));
        }

        // Residual decoder: per scale upsample and conv from the combined features, two ResBlocks, the warp block.
        var res = net.ResidualDecoder!;
        bool warp = o.UseWarp && !o.OnlyResidual;
        SpilledMap[] combined = [encFeats];   // what the next scale's upsampler reads (and Combine adds up)
        Tensor? ratio = null;
        for (int i = 0; i < d; i++)
        {
            var layers = res.UpsamplerLayers(i);
            int s = latent >> (i + 1);
            var previousRatio = ratio;
            var u = Stage($"residual decoder upsampling to 1/{s}", combined, halo: 2 * s, Bytes(s, 3), s, NormLayer.GroupCount,
                          w => layers[1].forward(layers[0].forward(ChannelsLast.ForInference(Combine(res, w.Inputs, previousRatio)))));
            foreach (var m in combined) Release(m);
            u = Replace(u, ResBlock($"residual decoder ResBlock 1/{s} a", (ResBlock)layers[2], u, NormLayer.GroupCount));
            u = Replace(u, ResBlock($"residual decoder ResBlock 1/{s} b", (ResBlock)layers[3], u, warp ? 1 : 0));
            if (!warp)
            {
                if (o.OnlyResidual) Release(code[i]);
                combined = o.OnlyResidual ? [u] : [u, code[i]];
                continue;
            }
            var block = res.Warp(i);
            // Halo: read, not computed (only the kept rows are): the two 3x3 convs before the deformable conv need 2
            // rows, the bundled model's samples reached beyond 4 rows on the test photos and beyond 8 at 1/2 on a
            // 16 MP photo (each time the stripe ran again with twice the halo), not beyond 16.
            var aligned = Stage($"warp block 1/{s}", [code[i], u], halo: 16 * s, Bytes(s, 5), s, 1, w =>
            {
                var output = block.ForwardInBands(In(block, w.Inputs[0]), In(block, w.Inputs[1]), w.KeptRows(s), out var sampled);
                // Exact only if every sample of the kept rows read rows the window holds (or zeros outside the image).
                bool inside = (sampled.Lowest >= 0 || w.AtImageTop) && (sampled.Highest < w.Inputs[0].shape[2] || w.AtImageBottom);
                return inside ? output : null;
            });
            Release(code[i]);
            // NFA: mean(x) / mean(x_vq) of the whole maps, in float32 as MultiScaleDecoder divides them.
            ratio = tensor((float)(u.Sums!.Mean / aligned.Sums!.Mean));
            combined = [u, aligned];
        }

        // residual_conv on the combined full-resolution features, into the output image.
        var output = zeros(1, 3, cropHeight, cropWidth);
        var lastRatio = ratio;
        run.Run("residual_conv", combined, haloPx: 1, Bytes(1, 3), 1, capBytes: StageCap, compute: w =>
            BlockAlignedConv.Forward(net.ResidualConv, In(net.ResidualConv, Combine(res, w.Inputs, lastRatio))),
            sink: (row, rows) =>
            {
                long n = Math.Min(rows.shape[2], cropHeight - row);
                if (n > 0) output.narrow(2, row, n).copy_(rows.narrow(2, 0, n).narrow(3, 0, cropWidth));
            });
        foreach (var m in combined) Release(m);
        return output;
    }

    /// <summary>The residual decoder's input at a scale: the encoder features, or the previous scale's residual
    /// features plus its warp output times the NFA ratio mean(x) / mean(x_vq) (MultiScaleDecoder.forward), the
    /// means being the whole maps'.</summary>
    static Tensor Combine(MultiScaleDecoder res, Tensor[] inputs, Tensor? ratio)
    {
        var up = In(res, inputs[0]);
        if (inputs.Length == 1) return up;
        var other = In(res, inputs[1]);
        return ratio is null ? up.add_(other) : up.add_(other.mul_(ratio));
    }

    /// <summary>A ResBlock in two stages: norm, act, conv (its GroupNorm with x's moments), then norm, act, conv
    /// and the skip (its GroupNorm with the first half's moments).</summary>
    SpilledMap ResBlock(string name, ResBlock block, SpilledMap x, int sumGroups)
    {
        var l = block.Layers;
        var (norm1, norm2) = ((NormLayer)l[0], (NormLayer)l[3]);
        int s = x.Scale;
        var h = Stage(name + ", first half", [x], halo: s, Bytes(s, 1), s, NormLayer.GroupCount,
                      w => l[2].forward(l[1].forward(Normalise(norm1, w.Inputs[0], x))));
        var y = Stage(name + ", second half", [h, x], halo: s, Bytes(s, 2), s, sumGroups,
                      w => l[5].forward(l[4].forward(Normalise(norm2, w.Inputs[0], h))).add_(w.Inputs[1]));
        Release(h);
        return y;
    }

    static Tensor Normalise(NormLayer norm, Tensor x, SpilledMap source)
    {
        if (!norm.IsGroupNorm) return norm.forward(x);
        var (mean, variance) = source.Sums!.Moments();
        return norm.Normalise(x, mean, variance);
    }

    /// <summary>Runs a stage into a new spilled map, made at the first stripe with the stripe's channels and type.</summary>
    SpilledMap Stage(string name, IFeatureRows[] inputs, int halo, double bytesPerPixel, int outScale, int sumGroups,
                     Func<StripeRunner.Window, Tensor?> compute, long capBytes = StageCap, int? alignment = null)
    {
        SpilledMap? map = null;
        run.Run(name, inputs, halo, bytesPerPixel, outScale, compute, capBytes: capBytes, alignment: alignment, sink: (row, rows) =>
        {
            if (map is null)
            {
                long height = inputs[0].Height * inputs[0].Scale / outScale;
                map = new SpilledMap(files, rows.shape[1], height, rows.shape[3], rows.dtype, outScale, sumGroups);
                maps.Add(map);
            }
            map.Write(row, rows);
        });
        return map!;
    }

    /// <summary><paramref name="next"/>, after releasing <paramref name="previous"/> (a map no later stage reads).</summary>
    SpilledMap Replace(SpilledMap previous, SpilledMap next)
    {
        Release(previous);
        return next;
    }

    void Release(SpilledMap map)
    {
        maps.Remove(map);
        map.Dispose();
    }

    /// <summary>Bytes per input pixel of a stage whose finest maps are at 1/<paramref name="scale"/> with that scale's
    /// channels: <paramref name="inputs"/> input windows plus <see cref="LiveMaps"/> working maps, float32.</summary>
    double Bytes(int scale, int inputs) => Bytes(o, scale, inputs);

    static double Bytes(VQWeightDehazeNetOptions o, int scale, int inputs) =>
        4.0 * (inputs + LiveMaps) * o.ChannelQueryDict[o.GtResolution / scale] / ((double)scale * scale);

    /// <summary>The Swin stage: its maps and the transformer's temporaries (q, k, v, the MLP's hidden map, the
    /// attention matrices of every head: WorkingSet's latent term) per latent pixel.</summary>
    double SwinBytes() => SwinBytes(o);

    static double SwinBytes(VQWeightDehazeNetOptions o)
    {
        int latent = 1 << o.MaxDepth, c = o.LatentChannels, ws = o.SwinWindowSize;
        return 4.0 * ((2 + LiveMaps) * c + 8.0 * c + 2.0 * o.SwinNumHeads * ws * ws) / (latent * latent);
    }

    /// <summary>Memory of the largest stage on stripes of the fewest rows (the planner's floor): the Swin layers with
    /// their halo, or a full-resolution stage (the warp block's inputs and working maps).</summary>
    public static long SmallestStripeBytes(VQWeightDehazeNetOptions o, long widthPx)
    {
        double swin = (SwinGrid(o) + 2.0 * SwinHalo(o)) * widthPx * SwinBytes(o);
        long rows = StripeRunner.StripeAlignment;
        double full = (rows + 2.0 * 4) * widthPx * Bytes(o, 1, 5);
        return (long)Math.Max(swin, full);
    }

    /// <summary>The Swin layers' halo in input pixels, on the stripe grid.</summary>
    int SwinHalo() => SwinHalo(o);

    internal static int SwinHalo(VQWeightDehazeNetOptions o)
    {
        int rows = o.EncoderAttention == EncoderAttention.Swin ? ShiftedWindowReach(o) : NeighborhoodReach(o);
        int px = rows * (1 << o.MaxDepth), grid = SwinGrid(o);
        return (px + grid - 1) / grid * grid;
    }

    /// <summary>The Swin stage's stripes and halos start on whole windows of the latent grid (32 px for the bundled
    /// and the official configurations), so a stripe's windows are the image's windows.</summary>
    static int SwinGrid(VQWeightDehazeNetOptions o)
    {
        int a = StripeRunner.StripeAlignment, b = o.PadMultiple;
        return a / (int)System.Numerics.BigInteger.GreatestCommonDivisor(a, b) * b;
    }

    /// <summary>Latent rows beyond a window-aligned stripe that its rows depend on through the Swin layers, walked
    /// back layer by layer: the RSTB's 3x3 conv adds a row; a window layer needs the whole windows that hold the
    /// rows needed so far (edges on the window grid, moved by half a window in the shifted layers). 2 windows for
    /// the bundled model's 2 RSTBs × 2 layers (16 rows, 64 px, where a window per layer gave 128 px), 12 for the
    /// official 4 × 6 (384 px, not 704). Checked against the gradient's reach: SwinHaloTests.</summary>
    /// <remarks>Exact because stripes start on the window grid: every window a kept row depends on is one of the
    /// image's windows and lies inside the stripe, not the shifted layers' wrapped window at its edges.</remarks>
    static int ShiftedWindowReach(VQWeightDehazeNetOptions o)
    {
        // SwinTransformerBlock's rule: a window as large as the construction resolution is that size, unshifted.
        int ws = Math.Min(o.SwinWindowSize, o.SwinInputResolution);
        bool shifted = o.SwinInputResolution > o.SwinWindowSize;
        int e = 0;
        for (int block = 0; block < o.SwinNumBlocks; block++)
        {
            e += 1;
            for (int j = o.SwinBlkDepth - 1; j >= 0; j--)
            {
                int shift = shifted && j % 2 == 1 ? o.SwinWindowSize / 2 : 0;
                // Edges lie at shift (mod ws) below a stripe and at ws - shift above it (relative to its aligned edge).
                e = Math.Max(NextEdge(e, shift, ws), NextEdge(e, (ws - shift) % ws, ws));
            }
        }
        return e;
    }

    /// <summary>The smallest distance at least <paramref name="e"/> that is <paramref name="residue"/> modulo <paramref name="ws"/>.</summary>
    static int NextEdge(int e, int residue, int ws) => e + ((residue - e) % ws + ws) % ws;

    /// <summary>Neighbourhood attention's reach: per layer its kernel's span with its dilation (border clamping can
    /// shift a neighbourhood by as much again), per RSTB its 3x3 conv.</summary>
    static int NeighborhoodReach(VQWeightDehazeNetOptions o)
    {
        int perBlock = 1;
        for (int j = 0; j < o.SwinBlkDepth; j++)
            perBlock += (o.NatKernelSize - 1) * DinatDilation.For(o.EncoderAttention, j, o.NatKernelSize, o.SwinInputResolution);
        return o.SwinNumBlocks * perBlock;
    }

    static Tensor In(nn.Module receiver, Tensor x) => VQWeightDehazeNet.InTypeOf(receiver, x);

    public void Dispose()
    {
        foreach (var m in maps) m.Dispose();
        maps.Clear();
    }
}
