using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>The perceptual loss used when no LPIPS weights are given: LPIPS' distance without its learned linear
/// heads (the "lpips=False" baseline of richzhang/PerceptualSimilarity: unit-normalise each feature vector along
/// channels, squared difference summed over channels, averaged over space, summed over layers) on the stage
/// activations of an ImageNet-trained ResNet18. The weights are the ONNX model of NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, converted at first use (see <see cref="ResNet18Weights"/>).
/// Deviation from the official recipe (LPIPS-VGG16): a different backbone, no learned heads.</summary>
public sealed class ResNetPerceptualLoss : IPerceptualLoss
{
    private readonly OnnxFeatureNet net;
    private readonly int layers;

    public string Description { get; }

    /// <param name="layers">How many stage taps to use, shallow first (1..5; 5 = all). Fewer is cheaper.</param>
    public ResNetPerceptualLoss(OnnxFeatureNet net, string source, int layers = 5)
    {
        this.net = net;
        this.layers = Math.Clamp(layers, 1, net.Taps.Count);
        Description = $"ResNet18 (ImageNet, ML.NET DnnImageFeaturizer ONNX, {source}) feature distance, LPIPS-style without linear heads, {this.layers} stage taps";
    }

    public static ResNetPerceptualLoss Create(int layers = 5)
    {
        var (net, source) = ResNet18Weights.Load();
        if (layers >= net.Taps.Count) return new ResNetPerceptualLoss(net, source, layers);
        // Only the first taps are compared: drop the deeper stages instead of computing and discarding them.
        using (net) return new ResNetPerceptualLoss(net.Truncated(Math.Max(layers, 1)), source, layers);
    }

    public Tensor Forward(Tensor pred, Tensor target)
    {
        using var scope = NewDisposeScope();
        Tensor[] fp = net.forward(pred);
        Tensor[] ft;
        using (no_grad()) ft = net.forward(target);
        Tensor total = zeros(1, device: pred.device);
        for (int l = 0; l < layers; l++)
        {
            var a = FeatureNormalize.Channels(fp[l]);
            var b = FeatureNormalize.Channels(ft[l]);
            total = total + (a - b).square().sum(1).mean();
        }
        return total.squeeze().MoveToOuterDisposeScope();
    }

    public void MoveTo(Device device) => net.to(device);

    public void Dispose() => net.Dispose();
}
