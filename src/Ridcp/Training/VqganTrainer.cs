using Ridcp.Imaging;
using Ridcp.Losses;
using Ridcp.Models;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>Stage 1: the HQ-prior VQGAN, trained on clear images with FeMaSR's HQ-stage recipe (the stage RIDCP's
/// pretrained_HQPs.pth comes from; RIDCP never released it). Per iteration (FeMaSR femasr_model.py
/// optimize_parameters, HQ branch): out = net_g(gt); L = w_cb * codebook_loss + w_pix * L1(out, gt)
/// + w_per * perceptual(out, gt) + w_gan * (-mean D(out)); Adam step; then D step with hinge losses on D(gt) (real)
/// and D(out.detach()) (fake). codebook_loss = ||sg[z_q] - z||^2 * beta + ||z_q - sg[z]||^2 (VectorQuantizer).
/// Optional (off by default, not in the official recipe): dead-code re-initialisation — codes unused by the
/// training batches since the last check are overwritten with random encoder outputs of the current batch.
/// Optional semantic loss (official use_semantic_loss / semantic_opt, FeMaSR HQ recipe weight 0.1), with torchvision
/// VGG19 weights from the user: + w_sem * MSE(conv_semantic(z_q), VGG19 relu4_4(gt)), the VGG features taken
/// without gradients (see <see cref="VQWeightDehazeNet"/> for the grid-size deviation).</summary>
public sealed class VqganTrainer : GanTrainerBase
{
    public long CodesReinitialised { get; private set; }

    /// <summary>Usage of the last window closed by a dead-code check (reported when validation falls right after one).</summary>
    private readonly CodebookUsage lastWindow;

    /// <summary>Frozen VGG19 up to relu4_4 for the semantic loss; null when it is off.</summary>
    private readonly Vgg19Features? semanticVgg;

    public VqganTrainer(TrainOptions opt, Device device, VQWeightDehazeNet netG, IPerceptualLoss? perceptual,
                        List<(string Name, RgbImage Gt, RgbImage Input)> valSet, Vgg19Features? semanticVgg = null)
        : base(opt, device, netG, perceptual, valSet)
    {
        if (netG.Options.LqStage) throw new ArgumentException("stage 1 trains the HQ network (LQ_stage false)");
        if (netG.Options.UseSemanticLoss != (semanticVgg is not null))
            throw new ArgumentException(semanticVgg is null ? "use_semantic_loss needs the VGG19 feature extractor" : "VGG19 features given to a net without use_semantic_loss");
        lastWindow = new CodebookUsage(trainUsage.Codes);
        this.semanticVgg = semanticVgg;
        semanticVgg?.to(device);
    }

    public override IReadOnlyDictionary<string, double> OptimizeParameters(long iter, TrainBatch batch)
    {
        using var scope = NewDisposeScope();
        var gt = batch.Gt.to(device);
        var losses = new Dictionary<string, double>();

        Tensor? vggFeat = null;
        if (semanticVgg is not null)
            using (no_grad()) vggFeat = semanticVgg.forward(gt);
        using var r = netG.EncodeAndDecode(gt, semanticTarget: vggFeat);
        var output = r.OutImg!;   // an HQ net always makes it
        trainUsage.Add(r.Indices);

        GeneratorThenDiscriminator(iter, r.CodebookLoss, output, gt, gt, output, losses, r.SemanticLoss);

        if (opt.DeadCodes.Enabled && iter % opt.DeadCodes.Every == 0)
            losses["codes_reinit"] = ReinitDeadCodes(r.FeatToQuant, iter);
        return losses;
    }

    /// <summary>Overwrites codes that no training batch chose since the last check with encoder outputs drawn at
    /// random (seeded by the run seed and the iteration, so resume stays exact). Returns how many were replaced.</summary>
    private int ReinitDeadCodes(Tensor featToQuant, long iter)
    {
        var dead = trainUsage.Unused();
        lastWindow.SetCounts(trainUsage.Counts);
        trainUsage.Reset();
        if (dead.Length == 0) return 0;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = featToQuant.detach().permute(0, 2, 3, 1).reshape(-1, featToQuant.shape[1]);
        var rng = SampleRandom.For(opt.ManualSeed, iter, stream: 7);
        var codebook = netG.Quantizer.Codebook;
        foreach (int code in dead)
            codebook[code].copy_(z[rng.Next((int)z.shape[0])]);
        CodesReinitialised += dead.Length;
        return dead.Length;
    }

    protected override string SemanticDescription => semanticVgg is null
        ? "semantic loss: off (no VGG19 weights given; --vgg-weights FILE or path.pretrain_network_vgg turns it on)"
        : $"semantic loss: on, VGG19 relu4_4 from {semanticVgg.Source}, weight {opt.Losses.Semantic}";

    public override void Dispose()
    {
        base.Dispose();
        semanticVgg?.Dispose();
    }

    public override void Save(string dir)
    {
        base.Save(dir);
        using var counts = tensor(trainUsage.Counts);
        Ridcp.Checkpoints.CheckpointWriter.WriteTensor(Path.Combine(dir, "code_usage.pth"), counts);
    }

    public override void Load(string dir)
    {
        base.Load(dir);
        using var counts = Ridcp.Checkpoints.TorchCheckpoint.ReadTensor(Path.Combine(dir, "code_usage.pth"));
        trainUsage.SetCounts(counts.data<long>().ToArray());
    }

    public override ValidationResult Validate(long iter, string imageDir, bool saveImages)
    {
        var (metrics, usage) = RunValidation(imageDir, saveImages);
        var window = trainUsage.Total > 0 ? trainUsage : lastWindow;
        var notes = new List<string>
        {
            $"codebook (validation images): {usage}",
            $"codebook (training batches, {(opt.DeadCodes.Enabled ? "current dead-code window" : "since the last validation")}): {window}",
        };
        if (opt.DeadCodes.Enabled) notes.Add($"dead codes re-initialised so far: {CodesReinitialised}");
        metrics["codes_used"] = usage.Used;
        metrics["perplexity"] = usage.Perplexity();
        metrics["train_codes_used"] = window.Used;
        metrics["train_perplexity"] = window.Perplexity();
        if (!opt.DeadCodes.Enabled) trainUsage.Reset();
        return new ValidationResult(metrics, notes);
    }
}
