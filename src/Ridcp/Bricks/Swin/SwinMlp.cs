using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Swin;

/// <summary>Port of Mlp in basicsr/archs/network_swinir.py: fc1 -> GELU (exact erf form) -> fc2; dropout 0.</summary>
public sealed class SwinMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Linear fc2;

    public SwinMlp(long inFeatures, long hiddenFeatures) : base(nameof(SwinMlp))
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures);
        act = nn.GELU();
        fc2 = nn.Linear(hiddenFeatures, inFeatures);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var hidden = fc1.forward(x);
        using var activated = act.forward(hidden);
        return fc2.forward(activated);
    }
}
