using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>What <see cref="VQWeightDehazeNet.EncodeAndDecode"/> computes (the official encode_and_decode tuple,
/// plus the encoder output the official code only exposes through hooks).</summary>
/// <param name="OutImg">VQ-branch image (out_conv) [B,3,H,W], the only image of the HQ stage; null where an LQ-stage
/// call asked for the residual image only (<c>vqImage: false</c>).</param>
/// <param name="OutImgResidual">Residual-branch image (residual_conv), the dehazed result of the LQ stage; null
/// on the HQ stage or without use_residual.</param>
/// <param name="CodebookLoss">See <see cref="QuantizerOutput.CodebookLoss"/>.</param>
/// <param name="SemanticLoss">Stage-1 semantic loss (official use_semantic_loss): MSE between conv_semantic(z_quant)
/// and the VGG19 relu4_4 features of the input, unweighted; null unless the net has use_semantic_loss and the call
/// passed those features.</param>
/// <param name="Indices">Code indices int64 [B,1,H/4,W/4] (official indices_list[0]).</param>
/// <param name="FeatToQuant">before_quant_group output, the features matched against the codebook.</param>
/// <param name="ZQuant">Straight-through quantised features (feat_to_quant itself without use_quantize).</param>
/// <param name="EncFeats">multiscale_encoder output.</param>
public sealed record EncodeDecodeResult(
    Tensor? OutImg, Tensor? OutImgResidual, Tensor CodebookLoss, Tensor? SemanticLoss,
    Tensor Indices, Tensor FeatToQuant, Tensor ZQuant, Tensor EncFeats) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in new[] { OutImg, OutImgResidual, CodebookLoss, SemanticLoss, Indices, FeatToQuant, ZQuant, EncFeats })
            t?.Dispose();
    }
}
