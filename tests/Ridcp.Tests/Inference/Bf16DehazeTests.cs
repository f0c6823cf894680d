using Ridcp.Evaluation;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Metrics;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference;

/// <summary>bf16 inference of the bundled model (Models/MixedPrecision) against float32, on a real hazy photo.</summary>
public class Bf16DehazeTests(ITestOutputHelper output)
{
    /// <summary>Issue 12's quality bar for bf16 (a whole-net cast gives 6.7 dB). Measured on this photo: 52.3 dB.</summary>
    private const double MinPsnrAgainstFloat32 = 40.0;

    [Bf16Fact]
    public void The_bundled_model_in_bf16_stays_above_40_dB_of_its_float32_output_and_chooses_the_same_codes()
    {
        var hazy = Thumbnail.Downscale(ImageFile.Read(Fixture.File("images", "enlightenment_foggy-trees.jpg")), 384);
        string weights = BundledModel.Resolve(AppContext.BaseDirectory);
        using var fp32 = Dehazer.Load(new DehazerOptions { WeightsPath = weights });
        using var bf16 = Dehazer.Load(new DehazerOptions { WeightsPath = weights, Precision = Precision.Bf16 });

        double psnr = FullReference.Psnr(bf16.Dehaze(hazy), fp32.Dehaze(hazy));
        output.WriteLine($"bf16 vs fp32: {psnr:F2} dB");
        Assert.True(psnr >= MinPsnrAgainstFloat32, $"bf16 output is {psnr:F2} dB from the float32 output (needs >= {MinPsnrAgainstFloat32})");

        // The code-choosing path runs in float32 in both, so the indices are exactly float32's.
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = hazy.ToTensor();
        var codes32 = fp32.Network.Test(x).Indices;
        var codes16 = bf16.Network.Test(x).Indices;
        Assert.True(codes32.eq(codes16).all().item<bool>(), "bf16 net chose other codes than the float32 net");
    }
}
