using Ridcp.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Deformable;

/// <summary>Port of DCNv2Pack in basicsr/archs/dehaze_vq_weight_arch.py (a basicsr ModulatedDeformConvPack whose
/// offsets and masks come from a second feature map): out = conv_offset(feat); o1, o2, m = chunk(out, 3);
/// offset = cat(o1, o2); mask = sigmoid(m); deformable conv of x. Parameters <c>weight</c>, <c>bias</c>,
/// <c>conv_offset</c> = Conv2d(in, dg*3*k*k, k, 1, padding) as in basicsr/ops/dcn/deform_conv.py.
/// Deviation: the official forward logs through an unimported get_root_logger when mean |offset| &gt; 50 (a
/// NameError); this port neither logs nor fails there.</summary>
public sealed class DCNv2Pack : nn.Module<Tensor, Tensor, Tensor>
{
    private Parameter weight;   // not readonly: Module.to() replaces tensor fields
    private Parameter bias;
    private readonly Conv2d conv_offset;

    private readonly int padding;
    private readonly int deformableGroups;

    public DCNv2Pack(int inChannels, int outChannels, int kernelSize = 3, int padding = 1, int deformableGroups = 4)
        : base(nameof(DCNv2Pack))
    {
        this.padding = padding;
        this.deformableGroups = deformableGroups;
        // basicsr ModulatedDeformConv.init_weights: weight ~ U(-1/sqrt(n), 1/sqrt(n)), n = in * k * k; bias 0.
        double stdv = 1.0 / Math.Sqrt(inChannels * kernelSize * kernelSize);
        weight = new Parameter(empty(outChannels, inChannels, kernelSize, kernelSize).uniform_(-stdv, stdv));
        bias = new Parameter(zeros(outChannels));
        conv_offset = nn.Conv2d(inChannels, deformableGroups * 3 * kernelSize * kernelSize, kernelSize, stride: 1, padding: padding);
        // ModulatedDeformConvPack.init_weights: the offset conv starts at zero (no deformation, mask 0.5).
        using (no_grad())
        {
            conv_offset.weight!.zero_();
            conv_offset.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>x: features to sample [B, C_in, H, W]; feat: source of offsets and masks [B, C_in, H, W].</summary>
    public override Tensor forward(Tensor x, Tensor feat)
    {
        using var scope = NewDisposeScope();
        var (offset, mask) = OffsetsAndMasks(feat);
        return ModulatedDeformConv.Apply(x, offset, mask, weight, bias, 1, padding, 1, deformableGroups).MoveToOuterDisposeScope();
    }

    /// <summary>What <see cref="SampledRows"/> needs of this conv: its kernel height and padding.</summary>
    internal SampledRows RowsReached(long from, long to) => new(from, to, (int)weight.shape[2], padding);

    /// <summary>conv_offset's output channels, dg*3*K (108 for RIDCP's warp blocks).</summary>
    internal long ConvOffsetChannels => conv_offset.weight!.shape[0];

    /// <summary>The sampler of a row-band forward without gradient (WarpBlock's banded inference): the whole of
    /// <paramref name="x"/> [B, C_in, H, W], since a band's samples may lie anywhere in it.</summary>
    internal IDeformColumns BandSampler(Tensor x)
    {
        var shape = DeformShape.Of(x, weight, bias, 1, padding, 1, deformableGroups);
        return DeformColumns.For(x, weight, new DeformGeometry(shape, 1, padding, 1, deformableGroups), needsGrad: false);
    }

    /// <summary>Output rows [r0, r0 + rows) of <see cref="forward"/> without gradient, written into
    /// <paramref name="destination"/> [B, C_out, rows, W]. <paramref name="featRows"/> holds the offset source's rows
    /// [r0 - haloTop, ...) including the neighbours conv_offset reads (haloTop is 1, or 0 at the image's top; the
    /// image's borders are conv_offset's own zero padding), so conv_offset runs on the band alone.
    /// The values are those of <see cref="OffsetsAndMasks"/>: its offset, cat(o1, o2), is the first 2*dg*K channels
    /// of conv_offset's output, so the band takes a view instead of a copy, and the masks are the sigmoid of the rest,
    /// which the sampler applies as it reads them (a sigmoid over the strided view of those channels was a slow,
    /// unvectorised pass: 0.17 CPU-s on a 1 MP band set).</summary>
    /// <param name="reach">Where given, the rows the samples read are added to it.</param>
    internal void ForwardRows(IDeformColumns sampler, Tensor featRows, long haloTop, long r0, long rows, Tensor destination, SampledRows? reach = null)
    {
        using var scope = NewDisposeScope();
        long maskChannels = ConvOffsetChannels / 3;   // dg*K
        var band = BlockAlignedConv.Forward(conv_offset, featRows).narrow(2, haloTop, rows);   // [B, 3*dg*K, rows, W]
        var offset = band.narrow(1, 0, 2 * maskChannels);
        var maskLogits = band.narrow(1, 2 * maskChannels, maskChannels);
        reach?.Add(offset, r0);
        ModulatedDeformConv.ConvolveRows(sampler, offset, maskLogits, bias, r0, needsGrad: false, ModulatedDeformConv.DefaultWorkingSetBytes,
                                         destination, maskLogits: true);
    }

    /// <summary>The offsets [B, 2*dg*K, H, W] and sigmoid masks [B, dg*K, H, W] that <see cref="forward"/> uses.</summary>
    public (Tensor Offset, Tensor Mask) OffsetsAndMasks(Tensor feat)
    {
        using var scope = NewDisposeScope();
        // dg*3*k*k output channels (108 for dg 4) are unaligned: see BlockAlignedConv.
        var parts = BlockAlignedConv.Forward(conv_offset, feat).chunk(3, 1);
        var offset = cat([parts[0], parts[1]], 1);
        var mask = parts[2].sigmoid();
        return (offset.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }
}
