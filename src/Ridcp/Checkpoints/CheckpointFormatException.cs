namespace Ridcp.Checkpoints;

/// <summary>A checkpoint file that cannot be read: not a PyTorch file, truncated, damaged, inconsistent sizes, or a
/// pickle that names a Python global outside the small set a state dict needs. The message names the file.</summary>
public sealed class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string message) : base(message) { }
    public CheckpointFormatException(string message, Exception inner) : base(message, inner) { }
}
