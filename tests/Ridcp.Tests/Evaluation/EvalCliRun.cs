using Xunit;
using System.CommandLine;
using Ridcp.Cli;

namespace Ridcp.Tests.Evaluation;

/// <summary>Runs `ridcp ...` in-process with captured stdout and stderr.</summary>
static class EvalCliRun
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}
