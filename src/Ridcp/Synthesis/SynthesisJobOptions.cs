namespace Ridcp.Synthesis;

/// <summary>What `ridcp synthesize` does: clear photos from a folder, depth from exactly one source (a folder of
/// maps, an ONNX model or a prior), N samples per photo into an output folder.</summary>
public sealed record SynthesisJobOptions
{
    public required string ClearDir { get; init; }
    public required string OutputDir { get; init; }
    public string? DepthDir { get; init; }
    public string? DepthModel { get; init; }
    public DepthPrior? DepthPrior { get; init; }
    public MonocularDepthOptions DepthModelOptions { get; init; } = new();
    /// <summary>Resize depth maps whose size differs from the photo (bilinear) instead of failing.</summary>
    public bool ResizeDepth { get; init; }
    public int PerImage { get; init; } = 1;
    public long Seed { get; init; }
    public SynthesisOptions Pipeline { get; init; } = SynthesisOptions.Official;
    public bool SaveTransmission { get; init; }
    /// <summary>"png" (default, lossless, so the pipeline's JPEG stage is the only lossy step) or "jpg" (quality 95).</summary>
    public string Format { get; init; } = "png";
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    public const int OutputJpegQuality = 95;

    public void Validate()
    {
        int sources = (DepthDir is null ? 0 : 1) + (DepthModel is null ? 0 : 1) + (DepthPrior is null ? 0 : 1);
        if (sources != 1) throw new ArgumentException("give exactly one depth source: --depth DIR, --depth-model FILE or --depth-prior NAME");
        if (PerImage < 1) throw new ArgumentException($"--per-image must be at least 1, got {PerImage}");
        if (Format is not ("png" or "jpg")) throw new ArgumentException($"--format must be png or jpg, got '{Format}'");
        if (MaxParallelism < 1) throw new ArgumentException("parallelism must be at least 1");
        Pipeline.Validate();
    }
}
