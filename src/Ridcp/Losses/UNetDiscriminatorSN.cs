using Ridcp.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ridcp.Losses;

/// <summary>Port of BasicSR's UNetDiscriminatorSN (basicsr/archs/discriminator_arch.py, from Real-ESRGAN):
/// three stride-2 spectral-norm convs down, three bilinear x2 ups with skip additions, two extra convs and a
/// 1-channel per-pixel output. RIDCP uses num_in_ch 3 on images (HQ stage) and 512 on latent features (LQ stage).
/// Inputs need sides divisible by 8 so the skips line up.</summary>
public sealed class UNetDiscriminatorSN : nn.Module<Tensor, Tensor>
{
    private const double Slope = 0.2;

    private readonly Conv2d conv0;
    private readonly SpectralNormConv2d conv1, conv2, conv3, conv4, conv5, conv6, conv7, conv8;
    private readonly Conv2d conv9;
    private readonly bool skipConnection;

    public int NumInCh { get; }
    public int NumFeat { get; }

    public UNetDiscriminatorSN(int numInCh, int numFeat = 64, bool skipConnection = true) : base(nameof(UNetDiscriminatorSN))
    {
        NumInCh = numInCh;
        NumFeat = numFeat;
        this.skipConnection = skipConnection;
        conv0 = nn.Conv2d(numInCh, numFeat, 3, stride: 1, padding: 1);
        conv1 = new SpectralNormConv2d(numFeat, numFeat * 2, 4, 2, 1, hasBias: false);
        conv2 = new SpectralNormConv2d(numFeat * 2, numFeat * 4, 4, 2, 1, hasBias: false);
        conv3 = new SpectralNormConv2d(numFeat * 4, numFeat * 8, 4, 2, 1, hasBias: false);
        conv4 = new SpectralNormConv2d(numFeat * 8, numFeat * 4, 3, 1, 1, hasBias: false);
        conv5 = new SpectralNormConv2d(numFeat * 4, numFeat * 2, 3, 1, 1, hasBias: false);
        conv6 = new SpectralNormConv2d(numFeat * 2, numFeat, 3, 1, 1, hasBias: false);
        conv7 = new SpectralNormConv2d(numFeat, numFeat, 3, 1, 1, hasBias: false);
        conv8 = new SpectralNormConv2d(numFeat, numFeat, 3, 1, 1, hasBias: false);
        conv9 = nn.Conv2d(numFeat, 1, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // conv0 (num_feat channels) and conv9 (1 channel) can be unaligned: see BlockAlignedConv.
        var x0 = F.leaky_relu(BlockAlignedConv.Forward(conv0, x), Slope);
        var x1 = F.leaky_relu(conv1.forward(x0), Slope);
        var x2 = F.leaky_relu(conv2.forward(x1), Slope);
        var x3 = F.leaky_relu(conv3.forward(x2), Slope);

        x3 = Up(x3);
        var x4 = F.leaky_relu(conv4.forward(x3), Slope);
        if (skipConnection) x4 = x4 + x2;
        x4 = Up(x4);
        var x5 = F.leaky_relu(conv5.forward(x4), Slope);
        if (skipConnection) x5 = x5 + x1;
        x5 = Up(x5);
        var x6 = F.leaky_relu(conv6.forward(x5), Slope);
        if (skipConnection) x6 = x6 + x0;

        var o = F.leaky_relu(conv7.forward(x6), Slope);
        o = F.leaky_relu(conv8.forward(o), Slope);
        return BlockAlignedConv.Forward(conv9, o).MoveToOuterDisposeScope();
    }

    private static Tensor Up(Tensor x) =>
        F.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);
}
