using Ridcp.Losses;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Losses;

public class DiscriminatorTests
{
    /// <summary>Power iteration converges geometrically; 200 iterations on a random 16x(8*16) matrix leave the
    /// estimate within float32 rounding of the largest singular value.</summary>
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
