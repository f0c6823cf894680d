using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Ridcp.Cli;

/// <summary>Long explanations shown at the end of a command's own --help, so that its description (which
/// `ridcp --help` lists beside every other command) stays one short line.</summary>
public static class HelpDetails
{
    static readonly ConditionalWeakTable<Command, string> Details = new();

    public static Command WithDetails(this Command command, string details)
    {
        Details.AddOrUpdate(command, details);
        return command;
    }

    /// <summary>Makes the root's --help print a command's details after the standard help text.</summary>
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction standard) help.Action = new DetailedHelpAction(standard);
    }

    public static bool IsHelp(CommandLineAction? action) => action is HelpAction or DetailedHelpAction;

    sealed class DetailedHelpAction(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parse)
        {
            int code = standard.Invoke(parse);
            if (Details.TryGetValue(parse.CommandResult.Command, out var text))
            {
                var o = parse.InvocationConfiguration.Output;
                o.WriteLine("Details:");
                foreach (var line in text.Split('\n')) o.WriteLine("  " + line.TrimEnd());
                o.WriteLine();
            }
            return code;
        }
    }
}
