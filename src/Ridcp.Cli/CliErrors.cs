using System.CommandLine;
using Ridcp.Checkpoints;

namespace Ridcp.Cli;

/// <summary>The CLI's error convention: one line "error: ..." on stderr, the stack trace only with --verbose, and an
/// exit code chosen from the kind of failure (<see cref="ExitCodes"/>).</summary>
public static class CliErrors
{
    public static int ExitCodeFor(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or CheckpointMismatchException or CheckpointFormatException => ExitCodes.BadInput,
        ArgumentException => ExitCodes.Usage,
        IOException or UnauthorizedAccessException => ExitCodes.OutputError,
        _ => ExitCodes.Internal,
    };

    /// <summary>Writes the error line (and with <paramref name="verbose"/> the stack trace); returns the exit code.</summary>
    public static int Report(ParseResult parse, Exception e, bool verbose, string? subject = null)
    {
        int code = ExitCodeFor(e);
        var err = parse.InvocationConfiguration.Error;
        string prefix = code == ExitCodes.Internal ? "internal error: " : "";
        err.WriteLine($"error: {(subject is null ? "" : subject + ": ")}{prefix}{OneLine(e.Message)}");
        if (verbose) err.WriteLine(e.ToString());
        else if (code == ExitCodes.Internal) err.WriteLine("(run with --verbose for the stack trace)");
        return code;
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
