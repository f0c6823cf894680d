using System.Text.Json;
using Ridcp.Checkpoints;
using Ridcp.Imaging;
using Ridcp.Losses;
using Ridcp.Models;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>What both stages share (RIDCP basicsr/models/dehaze_vq_model.py VQDehazeModel and FeMaSR's model):
/// net_g, net_d (UNetDiscriminatorSN), Adam for each, the perceptual loss, the G-then-D step order, checkpoints.</summary>
public abstract class GanTrainerBase : ITrainerModel
{
    protected readonly TrainOptions opt;
    protected readonly Device device;
    protected readonly VQWeightDehazeNet netG;
    protected readonly UNetDiscriminatorSN netD;
    protected readonly IPerceptualLoss? perceptual;
    protected readonly Adam optimG;
    protected readonly Adam optimD;
    protected readonly List<(string Name, RgbImage Gt, RgbImage Input)> valSet;

    /// <summary>Codes chosen in training since the last validation (stage-1 health report, dead-code re-init).</summary>
    protected readonly CodebookUsage trainUsage;

    protected GanTrainerBase(TrainOptions opt, Device device, VQWeightDehazeNet netG, IPerceptualLoss? perceptual,
                             List<(string Name, RgbImage Gt, RgbImage Input)> valSet)
    {
        this.opt = opt;
        this.device = device;
        this.netG = netG;
        this.perceptual = perceptual;
        this.valSet = valSet;
        netD = new UNetDiscriminatorSN(opt.NetworkD.NumInCh, opt.NetworkD.NumFeat, opt.NetworkD.SkipConnection);
        netG.to(device);
        netD.to(device);
        perceptual?.MoveTo(device);
        netG.train();
        netD.train();
        trainUsage = new CodebookUsage(netG.Options.CodebookParams[0].Size);
        // Only trainable parameters go to Adam: frozen ones have no gradient and must stay bit-identical.
        optimG = optim.Adam(netG.parameters().Where(p => p.requires_grad), opt.OptimG.Lr, opt.OptimG.Beta1, opt.OptimG.Beta2, weight_decay: opt.OptimG.WeightDecay);
        optimD = optim.Adam(netD.parameters(), opt.OptimD.Lr, opt.OptimD.Beta1, opt.OptimD.Beta2, weight_decay: opt.OptimD.WeightDecay);
    }

    public VQWeightDehazeNet Generator => netG;
    public UNetDiscriminatorSN Discriminator => netD;

    /// <summary>True when this iteration updates D (and the generator's GAN term is on), as the official loop:
    /// iter &gt; net_d_init_iters and iter % net_d_iters == 0.</summary>
    public bool UpdatesDiscriminator(long iter) => opt.Losses.Gan != 0 && iter > opt.NetDInitIters && iter % opt.NetDIters == 0;

    /// <summary>How many D steps ran (for the alternation test).</summary>
    public long DiscriminatorSteps { get; private set; }
    public long GeneratorSteps { get; private set; }

    public abstract IReadOnlyDictionary<string, double> OptimizeParameters(long iter, TrainBatch batch);

    /// <summary>Generator step: backward of the total and one Adam step, with D's parameters not collecting gradients.</summary>
    /// <summary>
    /// The generator and discriminator updates both stages share (BasicSR's optimize_parameters order): codebook loss
    /// + L1 and perceptual on <paramref name="output"/> against <paramref name="gt"/> + hinge GAN on D(<paramref name="dFake"/>),
    /// one Adam step of G; then, on iterations that update D, one step of D on <paramref name="dReal"/> vs the detached
    /// <paramref name="dFake"/>. Stage 1 passes images to D, stage 2 the 512-channel features.
    /// </summary>
    /// <param name="semanticLoss">Stage 1 with the semantic loss: the net's unweighted semantic MSE; it enters the
    /// total with semantic_opt.loss_weight as a term of its own, logged after l_codebook (official
    /// dehaze_vq_model.py optimize_parameters order), not folded into the codebook loss.</param>
    protected void GeneratorThenDiscriminator(long iter, Tensor codebookLoss, Tensor output, Tensor gt,
                                              Tensor dReal, Tensor dFake, Dictionary<string, double> losses,
                                              Tensor? semanticLoss = null)
    {
        Tensor total = zeros(1, device: device).squeeze();
        var lCodebook = codebookLoss.mean() * opt.Losses.Codebook;
        total = total + lCodebook;
        losses["l_codebook"] = lCodebook.item<float>();
        if (semanticLoss is not null)
        {
            var lSemantic = semanticLoss.mean() * opt.Losses.Semantic;
            total = total + lSemantic;
            losses["l_semantic"] = lSemantic.item<float>();
        }
        if (opt.Losses.Pixel != 0)
        {
            var lPix = PixelLoss.L1(output, gt, opt.Losses.Pixel);
            total = total + lPix;
            losses["l_pix"] = lPix.item<float>();
        }
        if (perceptual is not null && opt.Losses.Perceptual != 0)
        {
            var lPercep = perceptual.Forward(output, gt) * opt.Losses.Perceptual;
            total = total + lPercep;
            losses["l_percep"] = lPercep.item<float>();
        }
        bool useD = UpdatesDiscriminator(iter);
        if (useD)
        {
            var lGan = HingeGanLoss.Generator(netD.forward(dFake), opt.Losses.Gan);
            total = total + lGan;
            losses["l_g_gan"] = lGan.item<float>();
        }
        StepGenerator(total);
        losses["l_g_total"] = total.item<float>();

        if (useD)
        {
            var (real, fake, outReal, outFake) = StepDiscriminator(dReal, dFake.detach());
            losses["l_d_real"] = real;
            losses["l_d_fake"] = fake;
            losses["out_d_real"] = outReal;
            losses["out_d_fake"] = outFake;
        }
    }

    protected void StepGenerator(Tensor total)
    {
        SetRequiresGrad(netD, false);
        optimG.zero_grad();
        total.backward();
        ThrowOnNonFiniteGradient(netG, "net_g");
        optimG.step();
        GeneratorSteps++;
    }

    /// <summary>Discriminator step with hinge losses (official: real and fake backward separately, one step).
    /// Returns l_d_real, l_d_fake, out_d_real, out_d_fake.</summary>
    protected (double Real, double Fake, double OutReal, double OutFake) StepDiscriminator(Tensor real, Tensor fakeDetached)
    {
        using var scope = NewDisposeScope();
        SetRequiresGrad(netD, true);
        optimD.zero_grad();
        var realPred = netD.forward(real);
        var lReal = HingeGanLoss.Discriminator(realPred, targetIsReal: true);
        lReal.backward();
        var fakePred = netD.forward(fakeDetached);
        var lFake = HingeGanLoss.Discriminator(fakePred, targetIsReal: false);
        lFake.backward();
        optimD.step();
        DiscriminatorSteps++;
        return (lReal.item<float>(), lFake.item<float>(), realPred.detach().mean().item<float>(), fakePred.detach().mean().item<float>());
    }

    /// <summary>A finite loss can still have a NaN or infinite gradient (sqrt at 0, a division by a zero norm), and
    /// one Adam step then turns every touched weight into NaN. Stop before the step, naming the tensors.</summary>
    private static void ThrowOnNonFiniteGradient(nn.Module net, string netName)
    {
        using var scope = NewDisposeScope();
        var bad = new List<string>();
        foreach (var (name, p) in net.named_parameters())
        {
            var g = p.grad;
            if (g is not null && !g.isfinite().all().item<bool>()) bad.Add(name);
        }
        if (bad.Count > 0)
            throw new ArithmeticException($"non-finite gradient in {netName}: {string.Join(", ", bad.Take(8))}{(bad.Count > 8 ? $" and {bad.Count - 8} more" : "")}");
    }

    protected static void SetRequiresGrad(nn.Module m, bool on)
    {
        foreach (var p in m.parameters()) p.requires_grad = on;
    }

    public void SetLearningRates(double lrG, double lrD)
    {
        foreach (var g in optimG.ParamGroups) g.LearningRate = lrG;
        foreach (var g in optimD.ParamGroups) g.LearningRate = lrD;
    }

    public abstract ValidationResult Validate(long iter, string imageDir, bool saveImages);

    /// <summary>Scores net_g.Test on the validation pairs, averaged: psnr / ssim as the official validation (crop_border
    /// 4, Y channel), psnr_rgb / ssim_rgb / ciede2000 on the whole RGB image (how `ridcp eval` and the model card
    /// judge; the Y channel cannot see a colour cast). The first num_img results are saved as [input | output |
    /// clear] PNGs. Also counts the codes the validation images use.</summary>
    protected (Dictionary<string, double> Scores, CodebookUsage Usage) RunValidation(string imageDir, bool saveImages)
    {
        netG.eval();
        var usage = new CodebookUsage(trainUsage.Codes);
        var sums = new Dictionary<string, double> { ["psnr"] = 0, ["ssim"] = 0, ["psnr_rgb"] = 0, ["ssim_rgb"] = 0, ["ciede2000"] = 0 };
        try
        {
            for (int i = 0; i < valSet.Count; i++)
            {
                using var scope = NewDisposeScope();
                var (name, gt, input) = valSet[i];
                var (output, indices) = netG.Test(input.ToTensor(device));
                usage.Add(indices);
                var outImg = RgbImage.FromTensor(output.clamp(0, 1));
                sums["psnr"] += Metrics.FullReference.Psnr(outImg, gt, opt.Val.CropBorder, opt.Val.TestYChannel);
                sums["ssim"] += Metrics.FullReference.Ssim(outImg, gt, opt.Val.CropBorder, opt.Val.TestYChannel);
                sums["psnr_rgb"] += Metrics.FullReference.Psnr(outImg, gt);
                sums["ssim_rgb"] += Metrics.FullReference.Ssim(outImg, gt);
                sums["ciede2000"] += Metrics.Ciede2000.MeanDeltaE(outImg, gt);
                if (saveImages && i < opt.Val.NumImg)
                    ImageFile.Write(SideBySide(input, outImg, gt), Path.Combine(imageDir, Path.GetFileNameWithoutExtension(name) + ".png"));
            }
        }
        finally { netG.train(); }
        return (sums.ToDictionary(kv => kv.Key, kv => kv.Value / valSet.Count), usage);
    }

    private static RgbImage SideBySide(params RgbImage[] images)
    {
        int h = images.Max(i => i.Height), w = images.Sum(i => i.Width);
        var o = new RgbImage(w, h);
        int x0 = 0;
        foreach (var im in images)
        {
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < im.Height; y++)
                    for (int x = 0; x < im.Width; x++)
                        o[c, y, x0 + x] = Math.Clamp(im[c, y, x], 0f, 1f);
            x0 += im.Width;
        }
        return o;
    }

    public virtual void Save(string dir)
    {
        Directory.CreateDirectory(dir);
        NetworkFiles.WriteGenerator(Path.Combine(dir, "net_g.pth"), netG);
        NetworkFiles.WriteDiscriminator(Path.Combine(dir, "net_d.pth"), netD, opt.NetworkD.SkipConnection);
        optimG.save_state_dict(Path.Combine(dir, "optim_g.bin"));
        optimD.save_state_dict(Path.Combine(dir, "optim_d.bin"));
        using var rng = torch.get_rng_state();
        CheckpointWriter.WriteTensor(Path.Combine(dir, "rng.pth"), rng);
    }

    public virtual void Load(string dir)
    {
        NetworkFiles.LoadParams(Path.Combine(dir, "net_g.pth"), netG, strict: true);
        NetworkFiles.LoadParams(Path.Combine(dir, "net_d.pth"), netD, strict: true);
        optimG.load_state_dict(Path.Combine(dir, "optim_g.bin"));
        optimD.load_state_dict(Path.Combine(dir, "optim_d.bin"));
        using var rng = TorchCheckpoint.ReadTensor(Path.Combine(dir, "rng.pth"));
        torch.set_rng_state(rng);
    }

    public void SaveGenerator(string path) => NetworkFiles.WriteGenerator(path, netG);

    public virtual IReadOnlyList<string> Describe()
    {
        long Count(nn.Module m, bool trainable) => m.parameters().Where(p => !trainable || p.requires_grad).Sum(p => p.numel());
        return
        [
            $"net_g: VQWeightDehazeNet LQ_stage={netG.Options.LqStage}, {Count(netG, false):N0} parameters ({Count(netG, true):N0} trainable), codebook {netG.Options.CodebookParams[0]}",
            $"net_d: UNetDiscriminatorSN num_in_ch={netD.NumInCh} num_feat={netD.NumFeat}, {Count(netD, false):N0} parameters",
            $"perceptual loss: {(perceptual is null ? "off" : perceptual.Description)} (weight {opt.Losses.Perceptual})",
            $"losses: pixel L1 {opt.Losses.Pixel}, codebook {opt.Losses.Codebook}, hinge GAN {opt.Losses.Gan}",
            SemanticDescription,
        ];
    }

    /// <summary>The run log's line about the stage-1 semantic loss.</summary>
    protected virtual string SemanticDescription => "semantic loss: off (a stage-1 option)";

    public virtual void Dispose()
    {
        optimG.Dispose();
        optimD.Dispose();
        netG.Dispose();
        netD.Dispose();
        perceptual?.Dispose();
    }
}
