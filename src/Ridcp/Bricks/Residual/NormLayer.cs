using Ridcp.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Residual;

/// <summary>Port of <c>NormLayer</c> (RIDCP basicsr/archs/ridcp_utils.py): the normalisation picked by name, held
/// in the field <c>norm</c> so that checkpoint keys read <c>...norm.weight</c>.</summary>
/// <remarks>"gn" is GroupNorm(32 groups, eps 1e-6, affine), the only kind the official RIDCP configuration uses.
/// TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised, so they are set to ones / zeros here,
/// as PyTorch does.</remarks>
public sealed class NormLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Groups of the "gn" norm (ridcp_utils.py: num_groups=32).</summary>
    public const int GroupCount = 32;
    /// <summary>Epsilon of the "gn" norm (ridcp_utils.py: eps=1e-6).</summary>
    public const double GroupNormEps = 1e-6;

    private readonly nn.Module<Tensor, Tensor> norm;
    private readonly bool isGroupNorm;

    public NormLayer(long channels, string normType = "bn") : base(nameof(NormLayer))
    {
        isGroupNorm = normType.ToLowerInvariant() == "gn";
        norm = normType.ToLowerInvariant() switch
        {
            "bn" => nn.BatchNorm2d(channels, affine: true),
            "in" => nn.InstanceNorm2d(channels, affine: false),
            "gn" => MakeGroupNorm(channels),
            "none" => nn.Identity(),
            _ => throw new ArgumentException($"norm type '{normType}' is not supported (bn, in, gn, none)"),
        };
        RegisterComponents();
    }

    private static nn.Module<Tensor, Tensor> MakeGroupNorm(long channels)
    {
        if (channels % GroupCount != 0)
            throw new ArgumentException($"GroupNorm needs a channel count divisible by {GroupCount}, got {channels}");
        var gn = nn.GroupNorm(GroupCount, channels, GroupNormEps, affine: true);
        using var _ = no_grad();
        foreach (var (name, p) in gn.named_parameters())
        {
            if (name == "weight") p.fill_(1.0f);
            else p.zero_();
        }
        return gn;
    }

    internal bool IsGroupNorm => isGroupNorm;

    /// <summary>GroupNorm of x [1, C, H, W] with given per-group moments (biased variance) instead of x's own: in a
    /// forward run stripe by stripe (Inference/Streaming) those of the whole map.</summary>
    /// <remarks>batch_norm in evaluation mode normalises each channel by given moments and applies the affine
    /// parameters; with each channel given its group's moments that is GroupNorm, in one fused kernel. Moments and
    /// affine parameters go in as float32 also for a bf16 map (LibTorch's GroupNorm computes them in float32 too).</remarks>
    internal Tensor Normalise(Tensor x, double[] groupMean, double[] groupVariance)
    {
        if (!isGroupNorm) throw new InvalidOperationException("given moments apply to a GroupNorm only");
        var gn = (GroupNorm)norm;
        long perGroup = x.shape[1] / GroupCount;
        using var scope = NewDisposeScope();
        var mean = tensor(groupMean, device: x.device).to(ScalarType.Float32).repeat_interleave(perGroup);
        var variance = tensor(groupVariance, device: x.device).to(ScalarType.Float32).repeat_interleave(perGroup);
        var y = nn.functional.batch_norm(x, mean, variance, gn.weight!.to(ScalarType.Float32), gn.bias!.to(ScalarType.Float32),
                                         training: false, momentum: 0, eps: GroupNormEps);
        return y.MoveToOuterDisposeScope();
    }

    /// <remarks>Inference in channels-last order (Core/ChannelsLast) does not use LibTorch's GroupNorm: its
    /// channels-last kernel (LibTorch 2.10, float32 and bf16) accumulates each group's moments so that they drift with
    /// the map's size — on a 352x480 map of the bundled model's encoder its output was off by up to 0.9 from a
    /// float64 GroupNorm, the NCHW kernel by 3e-6. The moments are summed here in chunks (<see cref="GroupSums"/>:
    /// runs of 256 pixels in float32, added in double) and applied by <see cref="Normalise"/>; a forward run in stripes
    /// (Inference/Streaming) normalises the same way with the whole map's sums.</remarks>
    public override Tensor forward(Tensor x)
    {
        if (!isGroupNorm || is_grad_enabled() || x.shape[0] != 1 || !ChannelsLast.Is(x)) return norm.forward(x);
        var sums = new GroupSums(GroupCount);
        using (var scope = NewDisposeScope()) sums.Add(x.permute(0, 2, 3, 1));
        var (mean, variance) = sums.Moments();
        return Normalise(x, mean, variance);
    }
}
