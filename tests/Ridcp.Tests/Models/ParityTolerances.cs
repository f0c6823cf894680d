namespace Ridcp.Tests.Models;

/// <summary>Tolerances of the parity checks, taken from the fixtures' README section 7 ("Suggested checks"), which
/// sets them at 15-25x the float32 noise it measured (float32 vs float64 copy of the same net).</summary>
public static class ParityTolerances
{
    /// <summary>Final outputs, out_img_vq, out_residual (|x| &lt; 2): 1e-4 max abs (README section 7).</summary>
    public const double Image = 1e-4;
    /// <summary>enc_feats, feat_to_quant, z_quant (|x| &lt; 8): 2e-4 max abs (README section 7).</summary>
    public const double Feature = 2e-4;
    /// <summary>Scalar losses: relative 1e-5 (README section 7).</summary>
    public const double LossRelative = 1e-5;
    /// <summary>quant_gt_codebook_loss (|x| &lt; 4.2): 1e-5 max abs (README section 7).</summary>
    public const double GtCodebookLoss = 1e-5;
    /// <summary>quant_gt_grad_z (|g| &lt; 7e-5): 1e-9 max abs (README section 7).</summary>
    public const double GtGradZ = 1e-9;
}
