using Ridcp.Losses;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Losses;

public class DiscriminatorTests
{
    /// <summary>Power iteration converges like (sigma2/sigma1)^(2k). The test weight is built with sigma1 = 2 and
    /// sigma2 = 1, so 200 iterations leave the estimate within float32 rounding of sigma1; 1e-4 is far above that
    /// rounding and far below the error of a wrong normalisation (a random init's gap was once too small: 1.00014
    /// after 200 iterations, which is why the weight is no longer random).</summary>
    private const double SigmaTolerance = 1e-4;

    [Fact]
    public void State_dict_uses_pytorch_spectral_norm_names()
    {
        using var d = new UNetDiscriminatorSN(3, numFeat: 8);
        var keys = d.state_dict().Keys.ToHashSet();
        Assert.Contains("conv0.weight", keys);
        Assert.Contains("conv0.bias", keys);
        foreach (int i in new[] { 1, 2, 3, 4, 5, 6, 7, 8 })
        {
            Assert.Contains($"conv{i}.weight_orig", keys);
            Assert.Contains($"conv{i}.weight_u", keys);
            Assert.Contains($"conv{i}.weight_v", keys);
            Assert.DoesNotContain($"conv{i}.bias", keys);
        }
        Assert.Contains("conv9.weight", keys);
        Assert.Equal(new long[] { 16 }, d.state_dict()["conv1.weight_u"].shape);
        Assert.Equal(new long[] { 8 * 4 * 4 }, d.state_dict()["conv1.weight_v"].shape);
    }

    [Fact]
    public void Output_is_one_channel_at_input_resolution()
    {
        using var scope = NewDisposeScope();
        using var d = new UNetDiscriminatorSN(512, numFeat: 8);
        var y = d.forward(randn(2, 512, 16, 24));
        Assert.Equal(new long[] { 2, 1, 16, 24 }, y.shape);
    }

    [Fact]
    public void Spectral_norm_of_normalised_weight_approaches_one_in_training_mode()
    {
        using var scope = NewDisposeScope();
        using var conv = new SpectralNormConv2d(8, 16, 4, 2, 1, hasBias: false);
        // W = U diag(s) V^T with orthonormal U (16x16), V (128x16) and singular values 2, 1, 0.9, ..., a fixed gap.
        manual_seed(11);
        var (u, _) = linalg.qr(randn(16, 16));
        var (v, _) = linalg.qr(randn(128, 16));
        var sv = cat([tensor(new[] { 2f, 1f }), linspace(0.9, 0.1, 14)]);
        using (no_grad())
            conv.named_parameters().Single(p => p.name == "weight_orig").parameter.copy_((u * sv).matmul(v.T).reshape(16, 8, 4, 4));
        conv.train();
        Tensor w = null!;
        for (int i = 0; i < 200; i++) w = conv.NormalizedWeight();
        var s = linalg.svdvals(w.reshape(16, -1)).max().item<float>();
        Assert.InRange(s, 1 - SigmaTolerance, 1 + SigmaTolerance);
    }

    [Fact]
    public void Eval_mode_leaves_u_and_v_unchanged()
    {
        using var scope = NewDisposeScope();
        using var conv = new SpectralNormConv2d(4, 6, 3, 1, 1, hasBias: false);
        conv.eval();
        var u0 = conv.state_dict()["weight_u"].clone();
        conv.forward(randn(1, 4, 8, 8));
        Assert.True((u0 == conv.state_dict()["weight_u"]).all().item<bool>());
        conv.train();
        conv.forward(randn(1, 4, 8, 8));
        Assert.False((u0 == conv.state_dict()["weight_u"]).all().item<bool>());
    }
}
