using static TorchSharp.torch;

namespace Ridcp.Synthesis;

/// <summary>A batch of training pairs: Clear and Hazy are [B, 3, S, S] float32 in planar order (the layout of
/// torch tensors), values in [0,1] (hazy may exceed 1 slightly where A + ΔA &gt; 1 and no JPEG stage ran, as in the
/// official data). FirstSample is the global index of the first pair.</summary>
public sealed record PairBatch(float[] Clear, float[] Hazy, int BatchSize, int Size, long FirstSample,
                               string[] Names, HazeParameters[] Parameters)
{
    /// <summary>Both halves as [B,3,S,S] CPU tensors (copies; the caller disposes them, e.g. in its dispose scope).</summary>
    public (Tensor Clear, Tensor Hazy) ToTensors()
    {
        long[] shape = [BatchSize, 3, Size, Size];
        return (tensor(Clear, shape, ScalarType.Float32), tensor(Hazy, shape, ScalarType.Float32));
    }
}
