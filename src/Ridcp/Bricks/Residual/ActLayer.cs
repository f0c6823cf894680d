using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Residual;

/// <summary>Port of <c>ActLayer</c> (RIDCP basicsr/archs/ridcp_utils.py): the activation picked by name, held in
/// the field <c>func</c>. Only "prelu" has parameters (<c>func.weight</c>).</summary>
/// <remarks>The official layers run in place (inplace=True); here they do not, which changes no value.</remarks>
public sealed class ActLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Negative slope of "leakyrelu" (ridcp_utils.py: LeakyReLU(0.2)).</summary>
    public const double LeakySlope = 0.2;

    private readonly nn.Module<Tensor, Tensor> func;

    public ActLayer(long channels, string reluType = "leakyrelu") : base(nameof(ActLayer))
    {
        func = reluType.ToLowerInvariant() switch
        {
            "relu" => nn.ReLU(),
            "leakyrelu" => nn.LeakyReLU(LeakySlope),
            "prelu" => nn.PReLU(channels),
            "none" => nn.Identity(),
            "silu" => nn.SiLU(),
            "gelu" => nn.GELU(),
            _ => throw new ArgumentException($"activation type '{reluType}' is not supported (relu, leakyrelu, prelu, silu, gelu, none)"),
        };
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => func.forward(x);
}
