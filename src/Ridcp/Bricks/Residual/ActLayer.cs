using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ridcp.Bricks.Residual;

/// <summary>Port of <c>ActLayer</c> (RIDCP basicsr/archs/ridcp_utils.py): the activation picked by name, held in
/// the field <c>func</c>. Only "prelu" has parameters (<c>func.weight</c>).</summary>
/// <remarks>The official layers run in place (inplace=True). Here they do so only without a gradient and when the
/// owner says the input is a temporary of its own (<c>inPlaceWithoutGradient</c>; ResBlock's activations follow a
/// norm that makes a new tensor): same values, one full-size map less to allocate and fill per activation. With a
/// gradient the input is kept, as autograd needs it.</remarks>
public sealed class ActLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Negative slope of "leakyrelu" (ridcp_utils.py: LeakyReLU(0.2)).</summary>
    public const double LeakySlope = 0.2;

    private readonly nn.Module<Tensor, Tensor> func;
    private readonly bool inPlaceWithoutGradient;

    public ActLayer(long channels, string reluType = "leakyrelu", bool inPlaceWithoutGradient = false) : base(nameof(ActLayer))
    {
        this.inPlaceWithoutGradient = inPlaceWithoutGradient;
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

    public override Tensor forward(Tensor x)
    {
        if (!inPlaceWithoutGradient || is_grad_enabled()) return func.forward(x);
        // A new handle on the same memory: TorchSharp's Sequential disposes each intermediate result after passing
        // it on, which would otherwise dispose the returned tensor together with its input.
        return func switch
        {
            SiLU => x.silu_().alias(),
            ReLU => x.relu_().alias(),
            LeakyReLU => nn.functional.leaky_relu(x, LeakySlope, inplace: true).alias(),
            _ => func.forward(x),
        };
    }
}
