using TorchSharp;
using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>Port of <c>CombineQuantBlock</c> (RIDCP basicsr/archs/ridcp_utils.py): a 3x3 conv after quantisation.
/// The second input (a coarser codebook's features, resized by nearest interpolation and concatenated) only occurs
/// with several codebook scales; RIDCP uses one, so input2 is null there.</summary>
public sealed class CombineQuantBlock : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv;

    public CombineQuantBlock(long inCh1, long inCh2, long outChannel) : base(nameof(CombineQuantBlock))
    {
        conv = nn.Conv2d(inCh1 + inCh2, outChannel, 3, stride: 1, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input1, Tensor? input2)
    {
        if (input2 is null) return conv.forward(input1);
        using var scope = NewDisposeScope();
        var resized = nn.functional.interpolate(input2, size: [input1.shape[2], input1.shape[3]], mode: InterpolationMode.Nearest);
        var output = conv.forward(cat([input1, resized], 1));
        return scope.MoveToOuter(output);
    }

    public Tensor forward(Tensor input1) => forward(input1, null);
}
