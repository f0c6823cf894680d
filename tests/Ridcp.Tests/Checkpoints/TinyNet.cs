using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Tests.Checkpoints;

/// <summary>A small module with parameters in two sub-modules, a persistent int64 buffer and a non-persistent one.</summary>
public sealed class TinyNet : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly Linear fc;

    public TinyNet() : base(nameof(TinyNet))
    {
        conv = nn.Conv2d(2, 3, 1);
        fc = nn.Linear(3, 4);
        register_buffer("index", arange(4, dtype: ScalarType.Int64), persistent: true);
        register_buffer("scratch", zeros(2), persistent: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc.forward(conv.forward(x).mean([2, 3]));

    /// <summary>A state dict with this net's keys and shapes, every value <paramref name="value"/> (index: 10..13).</summary>
    public static Dictionary<string, Tensor> StateDictFilledWith(float value) => new()
    {
        ["conv.weight"] = full(3, 2, 1, 1, value),
        ["conv.bias"] = full(3, value),
        ["fc.weight"] = full(4, 3, value),
        ["fc.bias"] = full(4, value),
        ["index"] = arange(10, 14, dtype: ScalarType.Int64),
    };
}
