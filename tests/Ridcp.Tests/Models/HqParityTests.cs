using Ridcp.Models;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static Ridcp.Tests.Models.ParityNets;

namespace Ridcp.Tests.Models;

/// <summary>HQ stage (the VQGAN) against hq_full of the parity fixtures: net(input) without padding.</summary>
public class HqParityTests(ITestOutputHelper output)
{
    /// <summary>Eval codebook losses of cases.json (hq_64x64, hq_96x128).</summary>
    [Theory]
    [InlineData("hq_64x64", 0.4578634798526764)]
    [InlineData("hq_96x128", 0.4595799744129181)]
    public void Hq_forward_matches_the_official_net(string name, double codebookLoss)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var net = Hq;
        using var r = net.EncodeAndDecode(Npy($"{name}_input.npy"));

        AssertIndicesEqual(Npy($"{name}_indices.npy"), r.Indices);
        double dFeat = MaxAbsDiff(r.FeatToQuant, Npy($"{name}_feat_to_quant.npy"));
        double dImg = MaxAbsDiff(r.OutImg!, Npy($"{name}_out_img.npy"));
        double loss = r.CodebookLoss.item<float>();
        output.WriteLine($"{name}: feat_to_quant {dFeat:E3}, out_img {dImg:E3}, codebook loss {loss} (official {codebookLoss})");

        Assert.Null(r.OutImgResidual);
        Assert.True(dFeat <= ParityTolerances.Feature, $"feat_to_quant differs by {dFeat}");
        Assert.True(dImg <= ParityTolerances.Image, $"out_img differs by {dImg}");
        Assert.True(Math.Abs(loss - codebookLoss) <= ParityTolerances.LossRelative * codebookLoss, $"codebook loss {loss} vs {codebookLoss}");
    }

    [Fact]
    public void Test_on_the_hq_net_returns_the_vq_image_cropped_from_the_padded_forward()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var net = Hq;
        var input = Npy("hq_64x64_input.npy").narrow(2, 0, 50).narrow(3, 0, 61);
        var (image, indices) = net.Test(input);
        using var r = net.EncodeAndDecode(MirrorPadding.Pad(input, 32));
        Assert.Equal(new long[] { 1, 3, 50, 61 }, image.shape);
        Assert.Equal(new long[] { 1, 1, 16, 16 }, indices.shape);
        Assert.True(BitEqual(image, r.OutImg!.narrow(2, 0, 50).narrow(3, 0, 61)));
        Assert.True(BitEqual(indices, r.Indices));
    }
}
