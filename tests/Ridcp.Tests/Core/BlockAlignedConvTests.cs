using Ridcp.Core;
using Ridcp.Losses;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Core;

/// <summary>Regression tests for the oneDNN 3.7.1 input-gradient bug of convolutions with an output-channel count
/// that is not a multiple of 16 (see <see cref="BlockAlignedConv"/>). Unfixed, about one call in ten gave a NaN
/// input gradient on a 2-core AVX-512 AMD EPYC, and some finite ones were wrong; on a CPU without the bug these
/// tests still check that the workaround computes the plain convolution and its gradients.</summary>
public class BlockAlignedConvTests
{
    [Fact]
    public void One_channel_conv_input_gradient_equals_the_float64_reference_in_every_call()
    {
        manual_seed(0);
        using var conv = nn.Conv2d(16, 1, 3, stride: 1, padding: 1);
        for (int i = 0; i < 30; i++)
        {
            using var scope = NewDisposeScope();
            var x = randn(2, 16, 128, 128).requires_grad_(true);
            var y = BlockAlignedConv.Forward(conv, x);
            var upstream = randn_like(y);
            autograd.backward([y], [upstream]);

            // float64 convolutions do not go through oneDNN's float32 kernels: an independent reference.
            var x64 = x.detach().to(float64).requires_grad_(true);
            var y64 = nn.functional.conv2d(x64, conv.weight!.detach().to(float64), conv.bias!.detach().to(float64), padding: [1, 1]);
            autograd.backward([y64], [upstream.to(float64)]);

            Assert.True(x.grad!.isfinite().all().item<bool>(), $"call {i}: non-finite input gradient");
            // Each gradient element sums 9 products of O(1) terms: float32 rounding is ~1e-6, garbage is O(1).
            double maxDiff = (x.grad!.to(float64) - x64.grad!).abs().max().item<double>();
            Assert.True(maxDiff < 1e-4, $"call {i}: input gradient off by {maxDiff}");
            double outDiff = (y.detach().to(float64) - y64.detach()).abs().max().item<double>();
            Assert.True(outDiff < 1e-4, $"call {i}: output off by {outDiff}");
        }
    }

    [Fact]
    public void Discriminator_steps_on_random_images_keep_every_gradient_finite()
    {
        manual_seed(0);
        using var netD = new UNetDiscriminatorSN(3, numFeat: 8);
        netD.train();
        using var optimD = optim.Adam(netD.parameters(), 8e-4);
        for (int i = 0; i < 10; i++)
        {
            using var scope = NewDisposeScope();
            // Generator side: gradient to the (fake) image through D.
            var fake = rand(2, 3, 64, 64).requires_grad_(true);
            autograd.backward([-netD.forward(fake).mean()]);
            Assert.True(fake.grad!.isfinite().all().item<bool>(), $"step {i}: non-finite gradient to D's input");
            // Discriminator side: hinge losses, one Adam step.
            optimD.zero_grad();
            HingeGanLoss.Discriminator(netD.forward(rand(2, 3, 64, 64)), targetIsReal: true).backward();
            HingeGanLoss.Discriminator(netD.forward(fake.detach()), targetIsReal: false).backward();
            var bad = netD.named_parameters().Where(p => !p.parameter.grad!.isfinite().all().item<bool>()).Select(p => p.name).ToList();
            Assert.True(bad.Count == 0, $"step {i}: non-finite gradients in {string.Join(", ", bad)}");
            optimD.step();
        }
    }
}
