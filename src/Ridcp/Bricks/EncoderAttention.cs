namespace Ridcp.Bricks;

/// <summary>The attention of the transformer blocks in RIDCP's LQ encoder (network_g.encoder_attention): the official
/// shifted-window Swin blocks, or neighborhood attention (NAT) without / with alternating dilation (DiNAT).</summary>
public enum EncoderAttention { Swin, Nat, Dinat }
