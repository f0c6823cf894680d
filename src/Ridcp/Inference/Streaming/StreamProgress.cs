namespace Ridcp.Inference.Streaming;

/// <summary>Progress of an image run stage by stage: stripe <see cref="Stripe"/> of <see cref="Stripes"/> of stage
/// <see cref="Stage"/> (named <see cref="StageName"/>) of <see cref="Stages"/>; the stage's stripes are
/// <see cref="StripeRows"/> input rows with <see cref="HaloRows"/> rows of halo (grown where a warp block needed more),
/// and it has run for <see cref="StageElapsed"/> (profiles: `ridcp bench dehaze -v`).</summary>
public readonly record struct StreamProgress(int Stage, int Stages, string StageName, int Stripe, int Stripes,
                                             long StripeRows = 0, int HaloRows = 0, TimeSpan StageElapsed = default)
{
    /// <summary>Share of the image done, counting every stage alike.</summary>
    public double Fraction => (Stage - 1 + (double)Stripe / Stripes) / Stages;
}
