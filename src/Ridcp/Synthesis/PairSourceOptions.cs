namespace Ridcp.Synthesis;

/// <summary>Settings of <see cref="SynthesisPairSource"/>; defaults from options/RIDCP.yml (gt_size 256, use_flip).</summary>
public sealed record PairSourceOptions
{
    public int GtSize { get; init; } = 256;
    public bool UseFlip { get; init; } = true;
    public long Seed { get; init; }
    /// <summary>Global index of the first sample to produce: iteration × batch size when resuming.</summary>
    public long StartSample { get; init; }
    /// <summary>Background threads producing samples.</summary>
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);
    /// <summary>How many samples may be produced ahead of the consumer.</summary>
    public int Prefetch { get; init; } = 32;
}
