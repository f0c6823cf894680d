using Ridcp.Checkpoints;
using Ridcp.Losses;
using Ridcp.Tests.Training;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Losses;

/// <summary>LPIPS with weight files in the torchvision / LPIPS layouts. The real weights are not in the repo, so
/// these files hold random values of the right shapes: the test checks the file layout and the loss mechanics
/// (zero for equal images, positive and differentiable otherwise), not the published LPIPS numbers.</summary>
public class LpipsLossTests : IDisposable
{
    readonly TempFolder tempFolder = new();
    public void Dispose() => tempFolder.Dispose();

    private static readonly int[] ConvIndices = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28];
    private static readonly int[] OutCh = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512];

    private (string Vgg, string Lin) WriteFiles(bool badLin = false)
    {
        string dir = tempFolder.Path;
        manual_seed(11);
        var vgg = new Dictionary<string, Tensor>();
        int inCh = 3;
        for (int i = 0; i < ConvIndices.Length; i++)
        {
            vgg[$"features.{ConvIndices[i]}.weight"] = randn(OutCh[i], inCh, 3, 3) * Math.Sqrt(2.0 / (9 * inCh));
            vgg[$"features.{ConvIndices[i]}.bias"] = zeros(OutCh[i]);
            inCh = OutCh[i];
        }
        vgg["classifier.0.weight"] = zeros(4, 4);   // torchvision files carry the classifier too; it is ignored
        var lin = new Dictionary<string, Tensor>();
        int[] ch = [64, 128, 256, 512, 512];
        for (int k = 0; k < ch.Length; k++) lin[$"lin{k}.model.1.weight"] = rand(1, badLin && k == 2 ? 128 : ch[k], 1, 1);
        string v = Path.Combine(dir, "vgg16.pth"), l = Path.Combine(dir, "vgg.pth");
        CheckpointWriter.WriteStateDict(v, vgg);
        CheckpointWriter.WriteStateDict(l, lin);
        foreach (var t in vgg.Values.Concat(lin.Values)) t.Dispose();
        return (v, l);
    }

    [Fact]
    public void Loads_torchvision_and_lpips_layouts_and_measures_a_distance()
    {
        var (v, l) = WriteFiles();
        using var scope = NewDisposeScope();
        using var loss = LpipsLoss.Load(v, l);
        Assert.Contains("LPIPS", loss.Description);
        var a = rand(1, 3, 48, 48);
        Assert.Equal(0f, loss.Forward(a, a).item<float>(), 6);
        var p = (a + 0.3 * randn(1, 3, 48, 48)).clamp(0, 1).requires_grad_(true);
        var d = loss.Forward(p, a);
        Assert.True(d.item<float>() > 0);
        d.backward();
        Assert.True(p.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void A_head_of_the_wrong_shape_is_refused_with_its_key()
    {
        var (v, l) = WriteFiles(badLin: true);
        var e = Assert.Throws<InvalidDataException>(() => LpipsLoss.Load(v, l));
        Assert.Contains("lin2.model.1.weight", e.Message);
    }
}
