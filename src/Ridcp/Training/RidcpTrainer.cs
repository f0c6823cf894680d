using TorchSharp;
using Ridcp.Imaging;
using Ridcp.Losses;
using Ridcp.Models;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>Stage 2: RIDCP dehazing training (official options/RIDCP.yml with VQDehazeModel.optimize_parameters,
/// basicsr/models/dehaze_vq_model.py). net_g is the LQ network initialised from the stage-1 checkpoint (non-strict,
/// as the official), with every module whose name contains a frozen keyword ("quantize", "decoder_group",
/// "after_quant_group", "out_conv") frozen; net_hq is the stage-1 network, frozen, giving the clear image's code
/// indices and quantised features. Per iteration:
/// (quant_gt, gt_indices) = net_hq(gt) without gradients; out = net_g(lq, gt_indices);
/// L = w_cb * mean(beta * (z_q_gt - z)^2 + gram(z, z_q_gt)) + w_pix * L1(out_residual, gt)
///   + w_per * perceptual(out_residual, gt) + w_gan * (-mean D(feat_to_quant));
/// then D with hinge losses on D(quant_gt) (real) and D(feat_to_quant.detach()) (fake), D on codebook-dim features.
/// The official codebook term is a [B,H,W,C] tensor plus a broadcast scalar; its .mean() is the loss (README sec. 10).</summary>
public sealed class RidcpTrainer : GanTrainerBase
{
    private readonly VQWeightDehazeNet netHq;

    public IReadOnlyList<string> FrozenParameterNames { get; }
    public string HqLoadNote { get; }

    public RidcpTrainer(TrainOptions opt, Device device, VQWeightDehazeNet netG, VQWeightDehazeNet netHq, string hqLoadNote,
                        IPerceptualLoss? perceptual, List<(string Name, RgbImage Gt, RgbImage Input)> valSet)
        : base(opt, device, Freeze(netG, opt.FrozenModuleKeywords, out var frozen), perceptual, valSet)
    {
        if (!netG.Options.LqStage || netHq.Options.LqStage) throw new ArgumentException("stage 2 needs an LQ net_g and an HQ net_hq");
        this.netHq = netHq;
        FrozenParameterNames = frozen;
        HqLoadNote = hqLoadNote;
        netHq.to(device);
        SetRequiresGrad(netHq, false);
    }

    /// <summary>Official: for each named module whose name contains a keyword, all its parameters stop requiring
    /// grad. Must happen before the optimiser is built (it only takes trainable parameters).</summary>
    private static VQWeightDehazeNet Freeze(VQWeightDehazeNet net, IReadOnlyList<string> keywords, out IReadOnlyList<string> frozen)
    {
        var names = new List<string>();
        foreach (var (name, p) in net.named_parameters())
        {
            if (!keywords.Any(k => name.Contains(k, StringComparison.Ordinal))) continue;
            p.requires_grad = false;
            names.Add(name);
        }
        frozen = names;
        return net;
    }

    public override IReadOnlyDictionary<string, double> OptimizeParameters(long iter, TrainBatch batch)
    {
        using var scope = NewDisposeScope();
        var gt = batch.Gt.to(device);
        var lq = (batch.Lq ?? throw new ArgumentException("stage 2 needs hazy inputs")).to(device);
        var losses = new Dictionary<string, double>();

        Tensor quantGt, gtIndices;
        using (no_grad())
        {
            using var hq = netHq.EncodeAndDecode(gt);
            quantGt = hq.ZQuant.detach().clone();
            gtIndices = hq.Indices.clone();
        }
        trainUsage.Add(gtIndices);

        using var r = netG.EncodeAndDecode(lq, null, gtIndices);
        var output = r.OutImgResidual ?? throw new InvalidOperationException("LQ net has no residual branch");
        var quantG = r.FeatToQuant;

        GeneratorThenDiscriminator(iter, r.CodebookLoss, output, gt, quantGt, quantG, losses);
        return losses;
    }

    public override ValidationResult Validate(long iter, string imageDir, bool saveImages)
    {
        var (metrics, usage) = RunValidation(imageDir, saveImages);
        metrics["codes_used"] = usage.Used;
        metrics["perplexity"] = usage.Perplexity();
        trainUsage.Reset();
        return new ValidationResult(metrics, [$"codebook (validation hazy images): {usage}"]);
    }

    public override IReadOnlyList<string> Describe() =>
        [.. base.Describe(), $"frozen: {FrozenParameterNames.Count} parameter tensors (keywords {string.Join(", ", opt.FrozenModuleKeywords)})", HqLoadNote];

    public override void Dispose()
    {
        base.Dispose();
        netHq.Dispose();
    }
}
