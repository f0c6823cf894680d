using Ridcp.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Losses;

/// <summary>LPIPS v0.1 with the VGG16 trunk (richzhang/PerceptualSimilarity lpips/pretrained_networks.py vgg16 and
/// lpips/lpips.py LPIPS), as RIDCP's LPIPSLoss uses it (FeMaSR basicsr/losses/losses.py: use_input_norm=True, i.e.
/// the [0,1] images are ImageNet-normalised before LPIPS applies its own scaling layer — kept on purpose).
/// Weights: torchvision's VGG16 file (keys features.N.weight/bias) and LPIPS' weights/v0.1/vgg.pth (keys
/// linK.model.1.weight, [1,C,1,1]).</summary>
public sealed class LpipsLoss : nn.Module<Tensor, Tensor, Tensor>, IPerceptualLoss
{
    /// <summary>All 13 convs of torchvision vgg16.features; the slices of LPIPS end at relu1_2, relu2_2, relu3_3,
    /// relu4_3, relu5_3 (features 3, 8, 15, 22, 29), i.e. after these convs.</summary>
    private static readonly IReadOnlyList<TorchvisionVgg.ConvLayer> Layers = TorchvisionVgg.Convs(TorchvisionVgg.Vgg16, 13);
    private static readonly int[] TapAfterConv = [1, 3, 6, 9, 12];   // index into Layers whose relu ends a slice
    private static readonly int[] Channels = [64, 128, 256, 512, 512];

    private readonly ModuleList<Conv2d> convs = TorchvisionVgg.BuildConvs(Layers);
    private readonly ModuleList<Conv2d> lins = new();
    private readonly Tensor imagenet_mean, imagenet_std, lpips_shift, lpips_scale;

    public string Description { get; }

    private LpipsLoss(string description) : base(nameof(LpipsLoss))
    {
        Description = description;
        foreach (int c in Channels) lins.Add(nn.Conv2d(c, 1, 1, bias: false));
        (imagenet_mean, imagenet_std) = TorchvisionVgg.ImageNetNorm();
        lpips_shift = tensor(new float[] { -0.030f, -0.088f, -0.188f }, [1, 3, 1, 1]);
        lpips_scale = tensor(new float[] { 0.458f, 0.448f, 0.450f }, [1, 3, 1, 1]);
        RegisterComponents();
        foreach (var p in parameters()) p.requires_grad = false;
        eval();
    }

    public static LpipsLoss Load(string vggPath, string linPath)
    {
        var net = new LpipsLoss($"LPIPS v0.1 VGG16 (trunk {Path.GetFileName(vggPath)}, heads {Path.GetFileName(linPath)})");
        try
        {
            using (var vgg = TorchCheckpoint.ReadStateDict(vggPath))
                TorchvisionVgg.LoadConvs(vgg, Layers, net.convs, $"VGG16 weights {Path.GetFileName(vggPath)}");
            using (var lin = TorchCheckpoint.ReadStateDict(linPath))
                for (int k = 0; k < Channels.Length; k++)
                    TorchvisionVgg.Copy(lin, $"lin{k}.model.1.weight", net.lins[k].weight!, $"LPIPS heads {Path.GetFileName(linPath)}");
            return net;
        }
        catch { net.Dispose(); throw; }
    }

    private List<Tensor> Features(Tensor x01)
    {
        var x = (x01 - imagenet_mean) / imagenet_std;       // FeMaSR LPIPSLoss use_input_norm
        x = (x - lpips_shift) / lpips_scale;                 // LPIPS ScalingLayer
        var taps = new List<Tensor>();
        int tap = 0;
        for (int i = 0; i < convs.Count; i++)
        {
            if (Layers[i].PoolBefore) x = F.max_pool2d(x, 2, 2);
            x = F.relu(convs[i].forward(x));
            if (tap < TapAfterConv.Length && TapAfterConv[tap] == i) { taps.Add(x); tap++; }
        }
        return taps;
    }

    public override Tensor forward(Tensor pred, Tensor target)
    {
        using var scope = NewDisposeScope();
        var fp = Features(pred);
        List<Tensor> ft;
        using (no_grad()) ft = Features(target);
        Tensor total = zeros(pred.shape[0], 1, 1, 1, device: pred.device);
        for (int k = 0; k < fp.Count; k++)
        {
            var a = FeatureNormalize.Channels(fp[k]);
            var b = FeatureNormalize.Channels(ft[k]);
            total = total + lins[k].forward((a - b).square()).mean([2, 3], keepdim: true);
        }
        return total.mean().MoveToOuterDisposeScope();
    }

    public Tensor Forward(Tensor pred, Tensor target) => forward(pred, target);

    public void MoveTo(Device device) => this.to(device);
}
