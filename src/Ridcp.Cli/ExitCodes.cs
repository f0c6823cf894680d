namespace Ridcp.Cli;

/// <summary>Exit codes of every ridcp command, chosen once (documented in README.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Some items of a batch failed; the others were written.</summary>
    public const int PartialFailure = 1;
    /// <summary>Bad command line or options.</summary>
    public const int Usage = 2;
    /// <summary>An input (image, checkpoint, config) is missing, unreadable or invalid.</summary>
    public const int BadInput = 3;
    /// <summary>Writing an output failed (disk full, permissions).</summary>
    public const int OutputError = 4;
    /// <summary>Unexpected internal error.</summary>
    public const int Internal = 70;
}
