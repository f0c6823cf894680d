using Ridcp.Losses;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Losses;

public class GanLossTests
{
    [Fact]
    public void Hinge_losses_match_basicsr_formulas()
    {
        using var scope = NewDisposeScope();
        var pred = tensor(new float[] { -2f, -0.5f, 0.5f, 2f });
        // real: mean(relu(1 - x)) = (3 + 1.5 + 0.5 + 0) / 4
        Assert.Equal(1.25f, HingeGanLoss.Discriminator(pred, true).item<float>(), 6);
        // fake: mean(relu(1 + x)) = (0 + 0.5 + 1.5 + 3) / 4
        Assert.Equal(1.25f, HingeGanLoss.Discriminator(pred, false).item<float>(), 6);
        // generator: -mean(x) * weight
        Assert.Equal(-0.0f, HingeGanLoss.Generator(pred, 0.1).item<float>(), 6);
        Assert.Equal(-0.2f, HingeGanLoss.Generator(tensor(new float[] { 1f, 3f }), 0.1).item<float>(), 6);
    }

    [Fact]
    public void L1_is_mean_absolute_difference_times_weight()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 0f, 1f, 2f, 3f });
        var b = tensor(new float[] { 1f, 1f, 0f, 3f });
        Assert.Equal(0.75f * 2, PixelLoss.L1(a, b, 2.0).item<float>(), 6);
    }
}
