namespace Ridcp.Synthesis;

/// <summary>An item of a synthesis run that was skipped: the input it concerns and why. OutputError marks a failed
/// write (disk full, permissions) rather than a bad input.</summary>
public sealed record SynthesisFailure(string Item, string Message, bool OutputError = false);
