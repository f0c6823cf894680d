using Ridcp.Imaging;
using Ridcp.Models;
using Ridcp.Training;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Training;

public class TrainerStepTests
{
    private static readonly List<(string, RgbImage, RgbImage)> NoVal = [];

    private static RidcpTrainer Stage2(TrainOptions opt)
    {
        manual_seed(5);
        var hq = new VQWeightDehazeNet(TinySetup.Net(lq: false));
        var lq = new VQWeightDehazeNet(TinySetup.Net(lq: true));
        Ridcp.Checkpoints.StateDictLoader.Load(lq, hq.state_dict(), strict: false);
        return new RidcpTrainer(opt, CPU, lq, hq, "test", null, NoVal);
    }

    [Fact]
    public void Vqgan_loss_falls_when_overfitting_one_batch()
    {
        manual_seed(1);
        using var model = new VqganTrainer(TinySetup.Options(TrainStage.Vqgan, lr: 1e-3), CPU, new VQWeightDehazeNet(TinySetup.Net(false)), null, NoVal);
        using var gt = TinySetup.SmoothBatch(2, 32, 7);
        var pix = new List<double>();
        for (int i = 1; i <= 40; i++)
        {
            using var batch = new TrainBatch(gt.clone(), null, 0);
            pix.Add(model.OptimizeParameters(i, batch)["l_pix"]);
        }
        double first = pix.Take(3).Average(), last = pix.TakeLast(3).Average();
        Assert.True(last < 0.6 * first, $"l_pix {first:F4} -> {last:F4}");
    }

    [Fact]
    public void Ridcp_loss_falls_when_overfitting_one_batch()
    {
        using var model = Stage2(TinySetup.Options(TrainStage.Ridcp, lr: 1e-3));
        using var gt = TinySetup.SmoothBatch(2, 32, 8);
        using var lq = gt * 0.5 + 0.4;   // a uniform haze: J t + A (1 - t), t = 0.5, A = 0.8
        var pix = new List<double>();
        for (int i = 1; i <= 40; i++)
        {
            using var batch = new TrainBatch(gt.clone(), lq.clone(), 0);
            pix.Add(model.OptimizeParameters(i, batch)["l_pix"]);
        }
        double first = pix.Take(3).Average(), last = pix.TakeLast(3).Average();
        Assert.True(last < 0.6 * first, $"l_pix {first:F4} -> {last:F4}");
    }

    [Fact]
    public void Frozen_modules_and_the_stage1_net_stay_bit_identical()
    {
        using var model = Stage2(TinySetup.Options(TrainStage.Ridcp, lr: 1e-3));
        var frozenNames = model.FrozenParameterNames.ToHashSet();
        Assert.Contains("quantize_group.0.embedding.weight", frozenNames);
        Assert.Contains("out_conv.weight", frozenNames);
        Assert.Contains(frozenNames, n => n.StartsWith("decoder_group."));
        Assert.Contains(frozenNames, n => n.StartsWith("after_quant_group."));
        Assert.DoesNotContain(frozenNames, n => n.StartsWith("multiscale_encoder.") || n.StartsWith("before_quant_group.") || n.StartsWith("residual_conv."));

        var before = model.Generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var gt = TinySetup.SmoothBatch(2, 32, 9);
        for (int i = 1; i <= 3; i++)
        {
            using var batch = new TrainBatch(gt.clone(), (gt * 0.6 + 0.3), 0);
            model.OptimizeParameters(i, batch);
        }
        var after = model.Generator.state_dict();
        foreach (var name in frozenNames)
            Assert.True(TensorAssert.Same(before[name], after[name]), $"frozen {name} changed");
        Assert.False(TensorAssert.Same(before["multiscale_encoder.in_conv.weight"], after["multiscale_encoder.in_conv.weight"]), "the encoder did not train");
        Assert.False(TensorAssert.Same(before["residual_conv.weight"], after["residual_conv.weight"]), "residual_conv did not train");
        foreach (var t in before.Values) t.Dispose();
    }

    [Fact]
    public void Generator_and_discriminator_alternate_as_net_d_iters_and_net_d_init_iters_say()
    {
        manual_seed(2);
        using var model = new VqganTrainer(TinySetup.Options(TrainStage.Vqgan, netDIters: 2, netDInitIters: 1), CPU,
                                           new VQWeightDehazeNet(TinySetup.Net(false)), null, NoVal);
        using var gt = TinySetup.SmoothBatch(2, 32, 10);
        var dBefore = model.Discriminator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var withD = new List<long>();
        for (int i = 1; i <= 6; i++)
        {
            using var batch = new TrainBatch(gt.clone(), null, 0);
            var losses = model.OptimizeParameters(i, batch);
            if (losses.ContainsKey("l_d_real")) { withD.Add(i); Assert.Contains("l_g_gan", losses.Keys); }
            else Assert.DoesNotContain("l_g_gan", losses.Keys);
            if (i == 1)
                foreach (var (k, v) in model.Discriminator.state_dict())
                    Assert.True(TensorAssert.Same(dBefore[k], v), $"D tensor {k} changed in an iteration without a D step");
        }
        Assert.Equal(new long[] { 2, 4, 6 }, withD);
        Assert.Equal(6, model.GeneratorSteps);
        Assert.Equal(3, model.DiscriminatorSteps);
        foreach (var t in dBefore.Values) t.Dispose();
    }
}
