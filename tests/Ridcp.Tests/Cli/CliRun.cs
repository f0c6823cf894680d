using System.CommandLine;
using Ridcp.Cli;

namespace Ridcp.Tests.Cli;

/// <summary>Runs the ridcp command tree in-process with captured stdout and stderr.</summary>
static class CliRun
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Result Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>As Program.Main runs it: parse errors become one line and exit code 2.</summary>
    public static Result AsMain(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliInvocation.Run(Program.Build(), args, new InvocationConfiguration { Output = stdout, Error = stderr });
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
