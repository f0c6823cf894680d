using Ridcp.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Losses;

/// <summary>The frozen VGG19 feature extractor of the stage-1 semantic loss: basicsr's
/// <c>VGGFeatureExtractor(['relu4_4'])</c> as RIDCP's VQWeightDehazeNet builds it (basicsr/archs/vgg_arch.py:
/// vgg19, use_input_norm=True, range_norm=False, requires_grad=False, max-pools kept, features truncated after the
/// last layer asked for). Input: images in [0,1], ImageNet-normalised here. Output: relu4_4, 512 channels at 1/8
/// of the input size (three 2x2 max-pools; odd sides floor like PyTorch).
/// Weights: torchvision's vgg19-dcbb9e9d.pth, or any state dict with its keys features.N.weight/bias (only
/// features.0 … features.25 are read).</summary>
public sealed class Vgg19Features : nn.Module<Tensor, Tensor>
{
    /// <summary>Channels of relu4_4 (the width conv_semantic maps the quantised features to).</summary>
    public const int Channels = 512;
    /// <summary>relu4_4 is one pixel per 8x8 input pixels.</summary>
    public const int Stride = 8;

    /// <summary>conv1_1 … conv4_4: the first 12 convs of torchvision cfg "E"; relu4_4 is features.26.</summary>
    private static readonly IReadOnlyList<TorchvisionVgg.ConvLayer> Layers = TorchvisionVgg.Convs(TorchvisionVgg.Vgg19, 12);

    private readonly ModuleList<Conv2d> convs = TorchvisionVgg.BuildConvs(Layers);
    private readonly Tensor mean, std;

    /// <summary>Where the weights came from, for the run log.</summary>
    public string Source { get; }

    private Vgg19Features(string source) : base(nameof(Vgg19Features))
    {
        Source = source;
        (mean, std) = TorchvisionVgg.ImageNetNorm();
        RegisterComponents();
        foreach (var p in parameters()) p.DetachFromDisposeScope();   // owned by the module, whatever scope built it
        foreach (var b in buffers()) b.DetachFromDisposeScope();
        // Frozen like basicsr's requires_grad=False: no gradients, never in an optimiser, eval mode.
        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    /// <summary>Reads the weights through the project's checkpoint reader. A file without one of the needed keys,
    /// or with a tensor of another shape (e.g. VGG16's), is an <see cref="InvalidDataException"/>.</summary>
    public static Vgg19Features Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"VGG19 weights not found: {path}");
        var net = new Vgg19Features(Path.GetFullPath(path));
        try
        {
            using var sd = TorchCheckpoint.ReadStateDict(path);
            TorchvisionVgg.LoadConvs(sd, Layers, net.convs, $"VGG19 weights {Path.GetFileName(path)}");
            return net;
        }
        catch { net.Dispose(); throw; }
    }

    /// <summary>relu4_4 of images in [0,1], [B,3,H,W] -> [B,512,H/8,W/8]. Callers run it under no_grad (the
    /// official encode_and_decode does); the weights take no gradient either way.</summary>
    public override Tensor forward(Tensor x01)
    {
        using var scope = NewDisposeScope();
        var x = (x01 - mean) / std;
        for (int i = 0; i < convs.Count; i++)
        {
            if (Layers[i].PoolBefore) x = F.max_pool2d(x, 2, 2);
            x = F.relu(convs[i].forward(x));
        }
        return x.MoveToOuterDisposeScope();
    }
}
