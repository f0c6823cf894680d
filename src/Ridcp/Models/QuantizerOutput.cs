using static TorchSharp.torch;

namespace Ridcp.Models;

/// <summary>What <see cref="VectorQuantizer.Forward"/> returns, in the order of the official tuple
/// (z_q, codebook_loss, indices).</summary>
/// <param name="ZQuant">Straight-through quantised features <c>z + (z_q - z)</c>, NCHW like the input.</param>
/// <param name="CodebookLoss">Without gt indices a scalar (q_latent + beta * e_latent); with gt indices (LQ
/// training) the elementwise [B,H,W,C] tensor beta * (z_q_gt - z)^2 plus the scalar gram texture loss, as the
/// official code returns it (the caller takes the mean).</param>
/// <param name="Indices">Chosen code per latent pixel, int64 [B,1,H,W].</param>
public sealed record QuantizerOutput(Tensor ZQuant, Tensor CodebookLoss, Tensor Indices) : IDisposable
{
    public void Dispose()
    {
        ZQuant.Dispose();
        CodebookLoss.Dispose();
        Indices.Dispose();
    }
}
