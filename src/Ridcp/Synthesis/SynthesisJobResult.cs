namespace Ridcp.Synthesis;

/// <summary>Outcome of a synthesis run: samples written, items skipped, where the manifest is.</summary>
public sealed record SynthesisJobResult(int Images, int SamplesWritten, IReadOnlyList<SynthesisFailure> Failures, string ManifestPath);
