using Ridcp.Core;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Losses;

/// <summary>Conv2d wrapped by torch.nn.utils.spectral_norm (TorchSharp has no spectral_norm), with PyTorch's
/// parameter and buffer names so state dicts match: <c>weight_orig</c> (parameter), <c>weight_u</c> [out] and
/// <c>weight_v</c> [in*kh*kw] (buffers), <c>bias</c> when present.
/// As in torch/nn/utils/spectral_norm.py: in training mode every forward does one power iteration (no grad) that
/// updates u and v in place, then uses clones of them so autograd sees constants; sigma = u . (W v);
/// the conv uses W / sigma. In eval mode the stored u, v are used unchanged. eps = 1e-12 as PyTorch's default.</summary>
public sealed class SpectralNormConv2d : nn.Module<Tensor, Tensor>
{
    private const double NormalizeEps = 1e-12;

    private readonly Parameter weight_orig;
    private readonly Parameter? bias;
    private readonly Tensor weight_u;
    private readonly Tensor weight_v;
    private readonly long stride;
    private readonly long padding;

    public SpectralNormConv2d(long inChannels, long outChannels, long kernel, long stride, long padding, bool hasBias)
        : base(nameof(SpectralNormConv2d))
    {
        this.stride = stride;
        this.padding = padding;
        // PyTorch Conv2d default init: kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)); same for bias.
        double bound = 1.0 / Math.Sqrt(inChannels * kernel * kernel);
        weight_orig = new Parameter(empty(outChannels, inChannels, kernel, kernel).uniform_(-bound, bound));
        if (hasBias) bias = new Parameter(empty(outChannels).uniform_(-bound, bound));
        // spectral_norm init: u, v = normalize(randn) (one each; the first power iteration happens in forward).
        weight_u = nn.functional.normalize(randn(outChannels), p: 2, dim: 0, eps: NormalizeEps);
        weight_v = nn.functional.normalize(randn(inChannels * kernel * kernel), p: 2, dim: 0, eps: NormalizeEps);
        RegisterComponents();
    }

    /// <summary>The normalised weight W / sigma for the current u, v (what PyTorch stores as module.weight).</summary>
    public Tensor NormalizedWeight()
    {
        using var scope = NewDisposeScope();
        var w = weight_orig.reshape(weight_orig.shape[0], -1);
        Tensor u = weight_u, v = weight_v;
        if (training)
        {
            using (no_grad())
            {
                var newV = nn.functional.normalize(mv(w.t(), weight_u), p: 2, dim: 0, eps: NormalizeEps);
                weight_v.copy_(newV);
                var newU = nn.functional.normalize(mv(w, weight_v), p: 2, dim: 0, eps: NormalizeEps);
                weight_u.copy_(newU);
            }
            u = weight_u.clone();
            v = weight_v.clone();
        }
        var sigma = dot(u, mv(w, v));
        return (weight_orig / sigma).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var w = NormalizedWeight();
        // num_feat-sized outputs can be unaligned: see BlockAlignedConv (oneDNN input-gradient bug).
        return BlockAlignedConv.Conv2d(input, w, bias, [stride, stride], [padding, padding])
            .MoveToOuterDisposeScope();
    }
}
