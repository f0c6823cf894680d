namespace Ridcp.Checkpoints;

/// <summary>A checkpoint whose keys or shapes do not fit the model. The message names every missing key, unexpected
/// key and shape mismatch; <see cref="Report"/> holds them as lists. Thrown before anything is copied, so the model
/// is left as it was.</summary>
public sealed class CheckpointMismatchException : Exception
{
    public LoadReport Report { get; }

    public CheckpointMismatchException(LoadReport report)
        : base("checkpoint does not fit the model: " + report.Describe()) => Report = report;
}
