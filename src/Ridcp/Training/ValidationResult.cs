namespace Ridcp.Training;

/// <summary>What a validation measured (metric name -> value) and lines for the log (codebook usage report).</summary>
public sealed record ValidationResult(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Notes);
