using System.CommandLine;
using Ridcp.Checkpoints;

namespace Ridcp.Cli;

/// <summary>The CLI's one error policy, used by every command: one line "error: ..." on stderr, the stack trace only
/// with --verbose, and an exit code chosen from the kind of failure (<see cref="ExitCodes"/>).</summary>
public static class CliErrors
{
    /// <summary>The exception → exit-code mapping. Bad options are <see cref="ArgumentException"/> (exit 2); a missing or
    /// malformed input (file, image, checkpoint, config) is exit 3; a failed write is exit 4 — an IO error is taken
    /// for a write unless the command marked it otherwise, since reading a missing input throws FileNotFound first.</summary>
    public static int ExitCodeFor(Exception e) => e switch
    {
        OutputException => ExitCodes.OutputError,
        FileNotFoundException or DirectoryNotFoundException or InvalidDataException or FormatException
            or CheckpointMismatchException or CheckpointFormatException => ExitCodes.BadInput,
        ArgumentException => ExitCodes.Usage,
        IOException or UnauthorizedAccessException => ExitCodes.OutputError,
        _ => ExitCodes.Internal,
    };

    /// <summary>Runs a command's body; any exception becomes its error line and exit code.</summary>
    public static int Run(ParseResult parse, bool verbose, Func<int> body)
    {
        try { return body(); }
        catch (Exception e) { return Report(parse, e, verbose); }
    }

    /// <summary>Writes the error line (and with <paramref name="verbose"/> the stack trace); returns the exit code.</summary>
    public static int Report(ParseResult parse, Exception e, bool verbose, string? subject = null)
    {
        int code = ExitCodeFor(e);
        var err = parse.InvocationConfiguration.Error;
        string prefix = code switch { ExitCodes.Internal => "internal error: ", ExitCodes.OutputError when e is OutputException => "cannot write: ", _ => "" };
        err.WriteLine($"error: {(subject is null ? "" : subject + ": ")}{prefix}{OneLine(e.Message)}");
        if (verbose) err.WriteLine((e is OutputException { InnerException: { } inner } ? inner : e).ToString());
        else if (code == ExitCodes.Internal) err.WriteLine("(run with --verbose for the stack trace)");
        return code;
    }

    /// <summary>Runs a write and marks its IO failures as output errors (exit 4), where the same command also reads.</summary>
    public static void Writing(Action write)
    {
        try { write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new OutputException(e.Message, e); }
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
