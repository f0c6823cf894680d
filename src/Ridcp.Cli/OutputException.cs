namespace Ridcp.Cli;

/// <summary>A failed write (exit 4), as opposed to an unreadable input.</summary>
public sealed class OutputException(string message, Exception inner) : Exception(message, inner);
