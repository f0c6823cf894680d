using Ridcp.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Port of <c>VQWeightDehazeNet</c> (RIDCP basicsr/archs/dehaze_vq_weight_arch.py), both stages:
/// the HQ stage (VQGAN: encoder, 1x1 conv, vector quantiser, CombineQuantBlock, decoder groups, out_conv) and the LQ
/// stage (encoder + Swin layers, controllable matching, residual multi-scale decoder with WarpBlocks and NFA,
/// residual_conv). Sub-modules carry the PyTorch attribute names, so state-dict keys equal the official ones.</summary>
/// <remarks>Deviations, on purpose: alpha is per call (the official weight_alpha is sticky); <see cref="Test"/>
/// returns the VQ-branch image where the official test() returns None (HQ stage); the CHM weight starts at zero
/// instead of being torch.load()ed from a fixed path inside the constructor; one codebook scale only. The
/// stage-1 semantic loss (use_semantic_loss) differs too; see <see cref="SemanticLoss"/>.</remarks>
public sealed class VQWeightDehazeNet : nn.Module
{
    // Declaration order = registration order = the official state_dict order.
    private readonly MultiScaleEncoder multiscale_encoder;
    private readonly MultiScaleDecoder? multiscale_decoder;
    private readonly ModuleList<DecoderBlock> decoder_group;
    private readonly Conv2d out_conv;
    private readonly Conv2d residual_conv;
    private readonly ModuleList<VectorQuantizer> quantize_group;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> before_quant_group;
    private readonly ModuleList<CombineQuantBlock> after_quant_group;
    private readonly nn.Module<Tensor, Tensor>? conv_semantic;

    public VQWeightDehazeNetOptions Options { get; }

    public VQWeightDehazeNet(VQWeightDehazeNetOptions? options = null) : base(nameof(VQWeightDehazeNet))
    {
        var o = Options = options ?? new VQWeightDehazeNetOptions();
        o.Validate();
        var ch = o.ChannelQueryDict;
        var cb = o.CodebookParams[0];

        multiscale_encoder = new MultiScaleEncoder(o);
        if (o.LqStage && o.UseResidual) multiscale_decoder = new MultiScaleDecoder(o);

        decoder_group = new ModuleList<DecoderBlock>();
        int outCh = 0;
        for (int i = 0; i < o.MaxDepth; i++)
        {
            int res = (o.GtResolution >> o.MaxDepth) << i;
            outCh = ch[res * 2];
            decoder_group.Add(new DecoderBlock(ch[res], outCh, o.NormType, o.ActType));
        }
        out_conv = nn.Conv2d(outCh, 3, 3, stride: 1, padding: 1);
        // Built (and saved) in the HQ stage too, although only the LQ stage uses it (official quirk).
        residual_conv = nn.Conv2d(outCh, 3, 3, stride: 1, padding: 1);

        quantize_group = new ModuleList<VectorQuantizer>(
            new VectorQuantizer(cb.Size, cb.Dim, o.Beta, o.LqStage, o.UseWeight, o.WeightAlpha));
        before_quant_group = new ModuleList<nn.Module<Tensor, Tensor>>(nn.Conv2d(ch[cb.Scale], cb.Dim, 1));
        after_quant_group = new ModuleList<CombineQuantBlock>(new CombineQuantBlock(cb.Dim, 0, ch[cb.Scale]));
        // Official: Sequential(Conv2d(512, 512, 1, 1, 0), ReLU()), keys conv_semantic.0.weight/bias, registered after
        // after_quant_group. Its input is the codebook dimension (512 officially, so the same shapes there).
        if (o.UseSemanticLoss)
            conv_semantic = nn.Sequential(("0", nn.Conv2d(cb.Dim, SemanticChannels, 1, stride: 1, padding: 0L)), ("1", nn.ReLU()));
        RegisterComponents();

        // Tensors made with `new Parameter(...)` or kept as buffers belong to the dispose scope active during
        // construction; a net built inside a caller's scope would lose them when that scope ends. The net owns them.
        foreach (var p in parameters()) p.DetachFromDisposeScope();
        foreach (var b in buffers()) b.DetachFromDisposeScope();
    }

    /// <summary>Output channels of conv_semantic: those of VGG19 relu4_4, the features it is compared with.</summary>
    public const int SemanticChannels = 512;

    /// <summary>The vector quantiser (quantize_group.0): codebook, CHM weight, distances.</summary>
    public VectorQuantizer Quantizer => quantize_group[0];

    /// <summary>Sets the CHM weight (e.g. weight_for_matching_dehazing_Flickr.pth, a bare [1024] tensor).</summary>
    public void SetChmWeight(Tensor weight) => Quantizer.SetChmWeight(weight);

    /// <summary>Official encode_and_decode(input, gt_indices, weight_alpha) on an input whose sides are multiples of
    /// <see cref="VQWeightDehazeNetOptions.PadMultiple"/> (the LQ stage's Swin windows need that; <see cref="Test"/>
    /// pads). Gradients flow unless the caller is under no_grad.</summary>
    /// <param name="weightAlpha">CHM alpha for this call; null = the options' value (not the last call's).</param>
    /// <param name="gtIndices">HQ code indices [B,1,H/4,W/4] for the LQ training loss.</param>
    /// <param name="semanticTarget">VGG19 relu4_4 features of <paramref name="input"/> [B,512,h,w] (computed by the
    /// caller without gradients); with use_semantic_loss, the result's SemanticLoss compares them with
    /// conv_semantic(z_quant). Null: no semantic loss (official test() switches it off the same way).</param>
    /// <param name="vqImage">False: an LQ net with a residual branch skips out_conv, whose VQ-branch image inference
    /// never uses (a full-resolution float32 conv: 0.1 CPU-s per megapixel with the bundled model, plus the
    /// conversion of its input in a bf16 net); the result's OutImg is null then. An HQ net always makes it.</param>
    public EncodeDecodeResult EncodeAndDecode(Tensor input, float? weightAlpha = null, Tensor? gtIndices = null, Tensor? semanticTarget = null,
                                              bool vqImage = true)
    {
        if (input.ndim != 4 || input.shape[1] != Options.InChannel)
            throw new ArgumentException($"input must be [B,{Options.InChannel},H,W], got [{string.Join(", ", input.shape)}]");
        if (semanticTarget is not null && conv_semantic is null)
            throw new ArgumentException("a semantic target needs a net built with use_semantic_loss");
        using var scope = NewDisposeScope();
        // In a mixed-precision net (MixedPrecision) modules may differ in dtype: each input goes in the dtype of the
        // module that receives it. Without conversion (float32 everywhere) every InTypeOf is the tensor itself.
        var encFeats = multiscale_encoder.forward(InTypeOf(multiscale_encoder, input));
        int codebookScale = Options.CodebookParams[0].Scale;

        var x = encFeats;
        var codeDecoderOutput = new List<Tensor>();
        Tensor? featToQuant = null, zQuant = null, loss = null, indices = null, semanticLoss = null;
        for (int i = 0; i < Options.MaxDepth; i++)
        {
            int curRes = (Options.GtResolution >> Options.MaxDepth) << i;
            if (curRes == codebookScale)
            {
                featToQuant = before_quant_group[0].forward(InTypeOf(before_quant_group, x));
                var q = Quantizer.Forward(featToQuant, gtIndices, weightAlpha ?? Options.WeightAlpha);
                (zQuant, loss, indices) = (q.ZQuant, q.CodebookLoss, q.Indices);
                // Official order: on the quantiser's z_quant, before use_quantize=false swaps in feat_to_quant.
                if (semanticTarget is not null) semanticLoss = SemanticLoss(zQuant, semanticTarget);
                if (!Options.UseQuantize) zQuant = featToQuant;
                x = after_quant_group[0].forward(InTypeOf(after_quant_group, zQuant));
            }
            x = decoder_group[i].forward(InTypeOf(decoder_group, x));
            codeDecoderOutput.Add(x);
        }
        // 3 output channels: see BlockAlignedConv (oneDNN input-gradient bug).
        var outImg = vqImage || multiscale_decoder is null ? BlockAlignedConv.Forward(out_conv, InTypeOf(out_conv, x)) : null;

        Tensor? outResidual = null;
        if (multiscale_decoder is not null)
        {
            // The residual branch sees detached encoder features unless only_residual (official).
            var residualIn = InTypeOf(multiscale_decoder, Options.OnlyResidual ? encFeats : encFeats.detach());
            outResidual = BlockAlignedConv.Forward(residual_conv, InTypeOf(residual_conv, multiscale_decoder.forward(residualIn, codeDecoderOutput)));
        }

        var result = new EncodeDecodeResult(outImg, outResidual, loss!, semanticLoss, indices!, featToQuant!, zQuant!, encFeats);
        scope.MoveToOuter(new[] { outImg, outResidual, loss, semanticLoss, indices, featToQuant, zQuant, encFeats }.OfType<Tensor>().Distinct());
        return result;
    }

    /// <summary>The modules <see cref="MixedPrecision"/> keeps in float32: those that decide the code indices
    /// (encoder with its Swin layers, the 1x1 conv before the quantiser, the quantiser) and the two output convs
    /// that make the image.</summary>
    internal IEnumerable<nn.Module> Float32Modules() => [multiscale_encoder, before_quant_group, quantize_group, out_conv, residual_conv];

    // The parts, for a forward run layer by layer (Inference/Streaming).
    internal MultiScaleEncoder Encoder => multiscale_encoder;
    internal MultiScaleDecoder? ResidualDecoder => multiscale_decoder;
    internal nn.Module<Tensor, Tensor> BeforeQuant => before_quant_group[0];
    internal DecoderBlock DecoderStage(int i) => decoder_group[i];
    internal Conv2d ResidualConv => residual_conv;

    /// <summary><paramref name="x"/> in the dtype of <paramref name="receiver"/>'s weights.</summary>
    internal static Tensor InTypeOf(nn.Module receiver, Tensor x)
    {
        var type = receiver.parameters().First().dtype;
        return x.dtype == type ? x : x.to(type);
    }

    /// <summary>Semantic loss of the HQ stage: MSE between conv_semantic(z_quant) [B,512,H/s,W/s] and the VGG19 relu4_4
    /// features of the input (official encode_and_decode: F.mse_loss(self.conv_semantic(z_quant), vgg_feat), one
    /// term per codebook scale, summed; RIDCP has one scale).</summary>
    /// <remarks>Deviation: relu4_4 is at 1/8 of the image, the RIDCP codebook at 1/4 (scale 64 of 256), so the two
    /// grids differ by 2x there and the official F.mse_loss cannot broadcast them (FeMaSR, whose codebook sits at
    /// scale 32 = 1/8, never meets this). The target is resized bilinearly to the latent grid when the sizes differ;
    /// at equal sizes it is used as is.
    /// Checked in RQ-Wu/RIDCP_dehazing (commit 23c9b04): basicsr/archs/dehaze_vq_weight_arch.py l.403-411 build
    /// conv_semantic = Sequential(Conv2d(512, 512, 1, 1, 0), ReLU()) and VGGFeatureExtractor(['relu4_4']) with its
    /// defaults (vgg_arch.py l.78-85: vgg19, use_input_norm=True, range_norm=False, requires_grad=False; the weights
    /// from a fixed path, l.9); l.419-421 take the VGG features of the net's input (the clear image in stage 1)
    /// under no_grad; l.451-454 compare conv_semantic(z_quant) right after the quantiser (before use_quantize=false
    /// swaps in feat_to_quant); l.485 sums the scales; test() (l.563-582) switches it off. The model
    /// (basicsr/models/dehaze_vq_model.py l.165-170) multiplies it by train.semantic_opt.loss_weight and adds it to
    /// the generator total as its own term l_semantic, next to (not inside) l_codebook. The weight, 0.1, and
    /// use_semantic_loss: true come from FeMaSR's options/train_FeMaSR_HQ_pretrain_stage.yml (codebook [32, 1024,
    /// 512]); RIDCP's options/HQPs_pretrain.yml is empty. Also a deviation: the official net would hold the VGG in
    /// its state dict (vgg_feat_extractor.*); here it is the trainer's, so generator files carry conv_semantic only.</remarks>
    private Tensor SemanticLoss(Tensor zQuant, Tensor target)
    {
        var pred = conv_semantic!.forward(zQuant);
        if (target.ndim != 4 || target.shape[0] != pred.shape[0] || target.shape[1] != pred.shape[1])
            throw new ArgumentException($"semantic target must be [{pred.shape[0]},{SemanticChannels},h,w], got [{string.Join(", ", target.shape)}]");
        if (target.shape[2] != pred.shape[2] || target.shape[3] != pred.shape[3])
            target = nn.functional.interpolate(target, size: [pred.shape[2], pred.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return nn.functional.mse_loss(pred, target.detach());
    }

    /// <summary>Official test(input, weight_alpha): mirror-pads to the next multiple of 32 (always growing, README
    /// section 4), runs encode_and_decode without gradients and crops back to the input size.</summary>
    /// <returns>The residual-branch image on the LQ stage; on the HQ stage (official: None) the VQ-branch image.
    /// Indices are on the padded latent grid [B,1,hp/4,wp/4].</returns>
    public (Tensor Output, Tensor Indices) Test(Tensor input, float? weightAlpha = null)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long h = input.shape[^2], w = input.shape[^1];
        var padded = MirrorPadding.Pad(input, Options.PadMultiple);
        using var r = EncodeAndDecode(padded, weightAlpha, vqImage: false);
        var image = r.OutImgResidual ?? r.OutImg!;
        var output = image.narrow(2, 0, h).narrow(3, 0, w).contiguous();
        var indices = r.Indices.clone();
        return (scope.MoveToOuter(output), scope.MoveToOuter(indices));
    }

    /// <summary>The first half of <see cref="EncodeAndDecode"/> on the LQ stage without gradients: the encoder output
    /// and the features matched against the codebook. Together with <see cref="DecodeLatent"/> it re-runs only
    /// matching and the decoders for another CHM alpha (the web app's α slider); the Swin encoder, the costly part,
    /// runs once per image. Needs the codebook at the encoder's resolution (the official and our configurations).</summary>
    /// <param name="padded">[1,3,H,W] with sides multiples of <see cref="VQWeightDehazeNetOptions.PadMultiple"/>.</param>
    public (Tensor EncFeats, Tensor FeatToQuant) EncodeLatent(Tensor padded)
    {
        CheckSplitSupported();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var encFeats = multiscale_encoder.forward(padded);
        var featToQuant = before_quant_group[0].forward(encFeats);
        return (scope.MoveToOuter(encFeats), scope.MoveToOuter(featToQuant));
    }

    /// <summary>The second half: matching with <paramref name="alpha"/>, the VQ decoder and the residual decoder, as
    /// in <see cref="EncodeAndDecode"/>; returns the residual-branch image [1,3,H,W] of the padded input.</summary>
    public Tensor DecodeLatent(Tensor encFeats, Tensor featToQuant, float alpha)
    {
        CheckSplitSupported();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = MatchLatent(featToQuant, alpha);
        var codeDecoderOutput = new List<Tensor>();
        foreach (var block in decoder_group)
        {
            x = block.forward(x);
            codeDecoderOutput.Add(x);
        }
        var image = BlockAlignedConv.Forward(residual_conv, multiscale_decoder!.forward(encFeats, codeDecoderOutput));
        return scope.MoveToOuter(image);
    }

    /// <summary>Matching with <paramref name="alpha"/> (the features themselves without use_quantize) and the conv
    /// after it (after_quant_group): the code decoder's input at the latent grid.</summary>
    internal Tensor MatchLatent(Tensor featToQuant, float alpha)
    {
        var zQuant = Options.UseQuantize ? Quantizer.Forward(featToQuant, null, alpha).ZQuant : featToQuant;
        return after_quant_group[0].forward(InTypeOf(after_quant_group, zQuant));
    }

    void CheckSplitSupported()
    {
        if (!Options.SplitsAtLatent)
            throw new NotSupportedException("encode/decode split needs an LQ net with use_residual and its codebook at the encoder's resolution");
    }

    /// <summary>Official decode_indices: the HQ decoder's image from code indices [B,1,H,W].</summary>
    public Tensor DecodeIndices(Tensor indices)
    {
        if (indices.ndim != 4) throw new ArgumentException($"shape of indices must be (b, 1, h, w), got [{string.Join(", ", indices.shape)}]");
        using var scope = NewDisposeScope();
        var x = after_quant_group[0].forward(Quantizer.CodebookEntry(indices));
        foreach (var m in decoder_group) x = m.forward(x);
        return scope.MoveToOuter(BlockAlignedConv.Forward(out_conv, x));
    }
}
