using System.CommandLine;

namespace Ridcp.Cli;

/// <summary>Parses and runs a command line with the project's conventions for a bad command line: one error line
/// on stderr and <see cref="ExitCodes.Usage"/>, where System.CommandLine on its own prints the whole help text
/// and exits with 1 (which here means "some items of a batch failed").</summary>
public static class CliInvocation
{
    public static int Run(Command root, string[] args, InvocationConfiguration? config = null)
    {
        config ??= new InvocationConfiguration();
        var parse = root.Parse(args);
        // --help answers even when the rest of the line is incomplete (`ridcp dehaze --help`).
        if (parse.Errors.Count == 0 || HelpDetails.IsHelp(parse.Action)) return parse.Invoke(config);
        var parsed = parse.CommandResult.Command;
        string command = string.Join(' ', CommandPath(parsed, root));
        // A word where a subcommand belongs: System.CommandLine reports "Required command was not provided" first.
        string? unknown = parsed.Subcommands.Count > 0 ? parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) : null;
        string message = unknown is not null ? $"unknown command '{unknown}'" : parse.Errors[0].Message;
        config.Error.WriteLine($"error: {message} (see '{command} --help')");
        return ExitCodes.Usage;
    }

    static IEnumerable<string> CommandPath(Command command, Command root)
    {
        // The root's name is the executable's file name; show the command as users type it.
        var names = new List<string>();
        for (var c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault()) names.Insert(0, c.Name);
        names.Insert(0, "ridcp");
        return names;
    }
}
