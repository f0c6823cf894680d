namespace Ridcp.Checkpoints;

/// <summary>A key present in both the checkpoint and the model with different tensor shapes.</summary>
public sealed record ShapeMismatch(string Key, long[] CheckpointShape, long[] ModelShape)
{
    public override string ToString() =>
        $"{Key} (checkpoint [{string.Join(", ", CheckpointShape)}], model [{string.Join(", ", ModelShape)}])";
}
