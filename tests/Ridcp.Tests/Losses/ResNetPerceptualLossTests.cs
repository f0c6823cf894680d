using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Ridcp.Losses;
using Xunit;
using static TorchSharp.torch;

namespace Ridcp.Tests.Losses;

public class ResNetPerceptualLossTests
{
    /// <summary>BatchNorm is folded into the convs here while ONNX Runtime applies it separately; float32 reordering
    /// over 20 layers gives relative differences of about 1e-5 of the feature range. 1e-3 flags real mistakes
    /// (a wrong pad or tap changes features by tens of percent).</summary>
    private const double RelativeTolerance = 1e-3;

    [Fact]
    public void Converted_resnet18_matches_onnx_runtime_on_the_pooled_features()
    {
        string onnx = ResNet18Weights.FindOnnx() ?? throw new Xunit.Sdk.XunitException("ResNet18 ONNX package not restored");
        using var scope = NewDisposeScope();
        using var net = OnnxFeatureNet.FromOnnx(onnx, null); // no preprocessing mean: compare on the raw BGR input
        Assert.Equal(5, net.Taps.Count);
        manual_seed(3);
        var rgb = rand(1, 3, 224, 224);
        TorchSharp.torch.Tensor[] taps;
        using (no_grad()) taps = net.forward(rgb);
        Assert.Equal(new long[] { 1, 64, 112, 112 }, taps[0].shape);
        Assert.Equal(512, taps[4].shape[1]);
        var ours = taps[4].mean([2, 3]).flatten().data<float>().ToArray();

        var bgr = (rgb.flip(1) * 255f).contiguous().data<float>().ToArray();
        using var session = new InferenceSession(onnx);
        string inputName = session.InputMetadata.Keys.First();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor(bgr, [1, 3, 224, 224]))]);
        var theirs = results.First().AsEnumerable<float>().ToArray();
        Assert.Equal(ours.Length, theirs.Length);
        double scale = theirs.Max(Math.Abs);
        double maxDiff = ours.Zip(theirs, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= RelativeTolerance * scale, $"max diff {maxDiff} vs scale {scale}");
    }

    [Fact]
    public void Loss_is_zero_for_equal_images_positive_otherwise_and_differentiable()
    {
        using var scope = NewDisposeScope();
        using var loss = ResNetPerceptualLoss.Create();
        manual_seed(4);
        var a = rand(2, 3, 64, 64);
        var b = (a + 0.2 * randn(2, 3, 64, 64)).clamp(0, 1);
        Assert.Equal(0f, loss.Forward(a, a).item<float>(), 6);
        var p = b.clone().requires_grad_(true);
        var l = loss.Forward(p, a);
        Assert.True(l.item<float>() > 0.01f);
        l.backward();
        Assert.True(p.grad!.abs().sum().item<float>() > 0);
        Assert.Contains("ResNet18", loss.Description);
    }

    [Fact]
    public void Truncated_net_gives_the_same_first_taps_with_fewer_parameters()
    {
        using var scope = NewDisposeScope();
        var (full, _) = ResNet18Weights.Load();
        using (full)
        using (var three = full.Truncated(3))
        {
            Assert.Equal(3, three.Taps.Count);
            long Count(OnnxFeatureNet n) => n.parameters().Sum(p => p.numel());
            Assert.True(Count(three) * 3 < Count(full), $"{Count(three)} of {Count(full)} parameters kept");
            manual_seed(5);
            var x = rand(1, 3, 96, 96);
            Tensor[] a, b;
            using (no_grad()) { a = full.forward(x); b = three.forward(x); }
            for (int t = 0; t < 3; t++)
                Assert.Equal(0.0, (a[t] - b[t]).abs().max().item<float>(), 7); // same ops on the same weights: bit-equal
            Assert.Throws<ArgumentOutOfRangeException>(() => full.Truncated(6));
        }
    }
}
