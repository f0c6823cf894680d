using Ridcp.Bricks.ImageWide;
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

    /// <remarks>In a tiled forward the group statistics are the whole image's (ImageWideStatistics).</remarks>
    public override Tensor forward(Tensor x) =>
        isGroupNorm && ImageWideStatistics.Active is { } wide
            ? wide.GroupNorm(x, GroupCount, GroupNormEps, ((GroupNorm)norm).weight, ((GroupNorm)norm).bias)
            : norm.forward(x);
}
