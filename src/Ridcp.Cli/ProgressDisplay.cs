using System.CommandLine;
using Spectre.Console;

namespace Ridcp.Cli;

/// <summary>Progress of a long command: on a terminal a Spectre.Console bar with elapsed and remaining time,
/// written through the invocation's output; when the output is redirected (a file, a pipe, a test) no bar, and each
/// step's line (if it has one) is written as plain text instead.</summary>
public static class ProgressDisplay
{
    /// <summary>Reports that <paramref name="done"/> of the total is done, with a line for redirected output.</summary>
    public delegate void Step(double done, string? line);

    public static T Run<T>(ParseResult parse, string description, double total, Func<Step, T> work)
    {
        var output = parse.InvocationConfiguration.Output;
        if (!CommonOptions.IsInteractive(parse))
            return work((_, line) => { if (line is not null) output.WriteLine(line); });
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        return console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(description, maxValue: total);
                return work((done, _) => task.Value = Math.Min(done, total));
            });
    }
}
