namespace Ridcp.Inference;

/// <summary>What happened to one image of a run: <see cref="Error"/> is null when the output was written.</summary>
public sealed record DehazeItemResult(DehazeItem Item, Exception? Error, TimeSpan Elapsed)
{
    public bool Ok => Error is null;
}
