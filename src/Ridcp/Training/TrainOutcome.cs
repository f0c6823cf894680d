namespace Ridcp.Training;

/// <summary>How a run ended.</summary>
public sealed record TrainOutcome(long LastIter, bool Interrupted, double SecondsPerIter, IReadOnlyDictionary<string, double>? LastValidation);
