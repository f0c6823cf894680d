namespace Ridcp.Inference.Streaming;

/// <summary>Progress of an image run stage by stage: stripe <see cref="Stripe"/> of <see cref="Stripes"/> of stage
/// <see cref="Stage"/> (named <see cref="StageName"/>) of <see cref="Stages"/>.</summary>
public readonly record struct StreamProgress(int Stage, int Stages, string StageName, int Stripe, int Stripes)
{
    /// <summary>Share of the image done, counting every stage alike.</summary>
    public double Fraction => (Stage - 1 + (double)Stripe / Stripes) / Stages;
}
