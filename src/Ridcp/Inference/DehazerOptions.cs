namespace Ridcp.Inference;

/// <summary>What <see cref="Dehazer.Load"/> needs: the network checkpoint, the optional CHM weight file and alpha,
/// the large-image rule, the memory budget and the device. Defaults follow the official inference_ridcp.py,
/// except that images run at their own size (the official halving is MaxSize = 1500).</summary>
public sealed record DehazerOptions
{
    /// <summary>Network checkpoint: the official layout (state dict under 'params', official LQ configuration) or
    /// one of ours (architecture options under 'ridcp_arch').</summary>
    public required string WeightsPath { get; init; }
    /// <summary>CHM weight file (a bare [1024] tensor such as weight_for_matching_dehazing_Flickr.pth).</summary>
    public string? ChmWeightPath { get; init; }
    /// <summary>CHM alpha; null = <see cref="Dehazer.OfficialAlpha"/> when a CHM weight is given. Requires one.</summary>
    public float? Alpha { get; init; }
    /// <summary>The official halving rule (inference_ridcp.py --max_size, 1500 there); null = full resolution.</summary>
    public int? MaxSize { get; init; }
    /// <summary>Memory budget of the whole process in bytes; null = <see cref="Streaming.MemoryBudget.Default"/>.</summary>
    public long? MaxMemoryBytes { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>Arithmetic precision of the network (<see cref="PrecisionSupport"/> refuses bf16 without hardware support).</summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    /// <summary>Refuse any missing, unexpected or mis-shaped key (the one allowed exception is documented on
    /// <see cref="Dehazer.Load"/>). False loads what fits and reports the rest, like the official strict=False.</summary>
    public bool Strict { get; init; } = true;
    /// <summary>Load a stage-1 (HQ VQGAN) network instead of a dehazer: its output is the reconstruction of the input
    /// through the codebook, which shows what the priors can represent (`ridcp reconstruct`).</summary>
    public bool Stage1Reconstruction { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for inconsistent options.</summary>
    public void Validate()
    {
        if (Alpha is not null && ChmWeightPath is null)
            throw new ArgumentException("--alpha needs a CHM weight (--chm-weight FILE); without one the matching is plain nearest-code matching");
        if (Alpha is float a && !(Math.Abs(a) <= Models.VQWeightDehazeNetOptions.MaxAbsAlpha))
            throw new ArgumentException($"alpha must be a number in [-{Models.VQWeightDehazeNetOptions.MaxAbsAlpha}, {Models.VQWeightDehazeNetOptions.MaxAbsAlpha}] (official -21.25), got {a}");
        if (MaxSize < 1) throw new ArgumentException($"max size must be at least 1, got {MaxSize}");
        if (MaxMemoryBytes <= 0) throw new ArgumentException($"max memory must be positive, got {MaxMemoryBytes}");
    }
}
