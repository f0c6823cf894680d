using Ridcp.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>What the VGG-based losses share about torchvision's <c>vgg.features</c> (torchvision
/// models/vgg.py make_layers): the layer layout of a cfg, and copying its weights out of a torchvision file
/// (vgg16-397923af.pth, vgg19-dcbb9e9d.pth, or any state dict with keys <c>features.N.weight/bias</c>).
/// Used by <see cref="LpipsLoss"/> (VGG16 trunk) and <see cref="Vgg19Features"/> (the semantic loss).</summary>
public static class TorchvisionVgg
{
    /// <summary>A conv of vgg.features: its index N in the Sequential (keys features.N.*), channels, and whether a
    /// 2x2 max-pool comes right before it.</summary>
    public sealed record ConvLayer(int FeatureIndex, int InChannels, int OutChannels, bool PoolBefore);

    /// <summary>torchvision cfgs "D" (vgg16) and "E" (vgg19): output channels of each conv, 0 = a max-pool ("M").</summary>
    public static readonly int[] Vgg16 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0];
    public static readonly int[] Vgg19 = [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0];

    /// <summary>The first <paramref name="convCount"/> convs of a cfg. make_layers (batch_norm=False) appends
    /// Conv2d + ReLU per number and MaxPool2d per "M", so a conv takes two indices and a pool one.</summary>
    public static IReadOnlyList<ConvLayer> Convs(int[] cfg, int convCount)
    {
        var layers = new List<ConvLayer>();
        int index = 0, inCh = 3;
        bool pool = false;
        foreach (int c in cfg)
        {
            if (layers.Count == convCount) break;
            if (c == 0) { pool = true; index++; continue; }
            layers.Add(new ConvLayer(index, inCh, c, pool));
            (index, inCh, pool) = (index + 2, c, false);
        }
        if (layers.Count < convCount) throw new ArgumentOutOfRangeException(nameof(convCount), $"the cfg has only {layers.Count} convs");
        return layers;
    }

    /// <summary>3x3 convs (padding 1) for the given layers, in order.</summary>
    public static ModuleList<Conv2d> BuildConvs(IReadOnlyList<ConvLayer> layers)
    {
        var convs = new ModuleList<Conv2d>();
        foreach (var l in layers) convs.Add(nn.Conv2d(l.InChannels, l.OutChannels, 3, padding: 1));
        return convs;
    }

    /// <summary>Copies features.N.weight/bias of a torchvision state dict into the convs (other keys — later layers,
    /// the classifier — are ignored). A missing key or a wrong shape is an <see cref="InvalidDataException"/>
    /// naming <paramref name="what"/>.</summary>
    public static void LoadConvs(StateDict sd, IReadOnlyList<ConvLayer> layers, ModuleList<Conv2d> convs, string what)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            Copy(sd, $"features.{layers[i].FeatureIndex}.weight", convs[i].weight!, what);
            Copy(sd, $"features.{layers[i].FeatureIndex}.bias", convs[i].bias!, what);
        }
    }

    /// <summary>One tensor of a weights file into a parameter, checked first.</summary>
    public static void Copy(StateDict sd, string key, Tensor dest, string what)
    {
        if (!sd.TryGetValue(key, out var src))
            throw new InvalidDataException($"{what} lack '{key}'{(sd.Section.Length > 0 ? $" (in '{sd.Section}')" : "")}");
        if (!src.shape.SequenceEqual(dest.shape))
            throw new InvalidDataException($"{what}: '{key}' has shape [{string.Join(",", src.shape)}], expected [{string.Join(",", dest.shape)}]");
        using var _ = no_grad();
        dest.copy_(src);
    }

    /// <summary>ImageNet mean and std [1,3,1,1] for images in [0,1] (basicsr VGGFeatureExtractor use_input_norm).</summary>
    public static (Tensor Mean, Tensor Std) ImageNetNorm() =>
        (tensor(new float[] { 0.485f, 0.456f, 0.406f }, [1, 3, 1, 1]), tensor(new float[] { 0.229f, 0.224f, 0.225f }, [1, 3, 1, 1]));
}
