namespace Ridcp.Synthesis;

/// <summary>Figures of one synthesis benchmark run. PipelineSamplesPerSecond counts the degradation alone (what the
/// official HazeOnlineDataset does per sample); WithPngSamplesPerSecond adds encoding each hazy image as PNG in memory
/// (what `ridcp synthesize` does per sample besides reading the inputs). CpuMsPerSample: process CPU time of the
/// pipeline run divided by the samples; StageMs: one thread, each stage applied alone (mean CPU ms).</summary>
public sealed record SynthesisBenchmarkResult(
    int Width, int Height, int Samples, int Threads, double PipelineSamplesPerSecond, double WithPngSamplesPerSecond,
    int GammaApplied, int NoiseApplied, int JpegApplied, double CpuMsPerSample, IReadOnlyList<(string Stage, double Ms)> StageMs)
{
    /// <summary>Samples per second the measured CPU time per sample allows on all cores of an otherwise idle machine
    /// (the wall-clock figure is lower when other processes share the cores).</summary>
    public double IdleMachineSamplesPerSecond => Environment.ProcessorCount * 1000.0 / CpuMsPerSample;
}
