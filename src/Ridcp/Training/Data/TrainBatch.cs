using static TorchSharp.torch;

namespace Ridcp.Training.Data;

/// <summary>One training batch: the clear images (gt) and, for stage 2, their hazy versions (lq), both
/// [B,3,S,S] float32 in [0,1] on the CPU. <see cref="NextSample"/> is the global index of the sample after this batch
/// (stored in checkpoints so a resumed run draws the same samples).</summary>
public sealed record TrainBatch(Tensor Gt, Tensor? Lq, long NextSample) : IDisposable
{
    public void Dispose() { Gt.Dispose(); Lq?.Dispose(); }
}
