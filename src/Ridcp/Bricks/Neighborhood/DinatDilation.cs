namespace Ridcp.Bricks.Neighborhood;

/// <summary>The dilation of each NA block in a residual group. NAT: 1 everywhere. DiNAT (Hassani &amp; Shi 2022):
/// blocks alternate local NA and dilated NA (odd positions dilated, where Swin shifts), with the dilation chosen so
/// that the dilated kernel spans the layer's feature size: d = max(1, ⌊S / k⌋) with S the size the encoder's
/// transformer layers are built for (swin_input_resolution, 32 in RIDCP; DiNAT likewise sets d per stage from the
/// feature size, e.g. 8 for 56×56 maps with k = 7). For k = 7 and S = 32 that is d = 4 (span 28).</summary>
public static class DinatDilation
{
    public static int For(EncoderAttention attention, int blockIndex, int kernelSize, int featureSize) => attention switch
    {
        EncoderAttention.Dinat when blockIndex % 2 == 1 => Math.Max(1, featureSize / kernelSize),
        _ => 1,
    };
}
