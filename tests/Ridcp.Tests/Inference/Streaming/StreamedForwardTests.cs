using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Inference.Streaming;
using Ridcp.Models;
using Ridcp.Tests.Models;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ridcp.Tests.Inference.Streaming;

/// <summary>The streamed forward against the whole-image forward (issue 12: tiled = whole-image).</summary>
public class StreamedForwardTests(ITestOutputHelper output)
{
    /// <summary>A real photo (the fixture's foggy trees) shrunk to w x h, [1,3,h,w].</summary>
    static Tensor Photo(int w, int h)
    {
        var img = ImageFile.Read(Fixture.File("images", "enlightenment_foggy-trees.jpg")).ToTensor();
        return MaxSizeRule.Resize(img, h, w).clamp(0, 1);
    }

    (Tensor Whole, Tensor Streamed, List<StreamProgress> Progress) Both(VQWeightDehazeNet net, Tensor x, float alpha, long stripeBytes)
    {
        using var _ = no_grad();
        long h = x.shape[2], w = x.shape[3];
        var whole = net.Test(x, alpha).Output;
        var padded = MirrorPadding.Pad(x, net.Options.PadMultiple);
        var progress = new List<StreamProgress>();
        var streamed = StreamedForward.Run(net, padded, alpha, stripeBytes, Path.GetTempPath(), h, w, progress.Add);
        var diff = (streamed - whole).abs();
        output.WriteLine($"max |diff| {diff.max().item<float>():g3}, mean {diff.mean().item<float>():g3}, within 1/255 {(diff.le(1.0 / 255).to(ScalarType.Float64).mean().item<double>()):P4}");
        return (whole, streamed, progress);
    }

    [Fact]
    public void Stripes_reproduce_the_bundled_models_whole_image_output()
    {
        using var dehazer = Dehazer.Load(new DehazerOptions { WeightsPath = BundledModel.Resolve(AppContext.BaseDirectory) });
        var (whole, streamed, progress) = Both(dehazer.Network, Photo(384, 256), 0f, 4L << 20);
        Assert.True(progress.Max(p => p.Stripes) > 1);
        Assert.Equal(whole.shape, streamed.shape);
        Assert.True((streamed - whole).abs().max().item<float>() < 1e-3);
    }
}
