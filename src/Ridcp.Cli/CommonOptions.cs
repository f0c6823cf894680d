using System.CommandLine;

namespace Ridcp.Cli;

/// <summary>Options every command spells the same way.</summary>
public static class CommonOptions
{
    /// <summary>--verbose: details of what was done and, on failure, the stack trace.</summary>
    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Print details, and the stack trace on errors" };

    /// <summary>--device cpu|cuda[:N].</summary>
    public static Option<string> Device() => new("--device") { Description = "cpu or cuda[:N]", DefaultValueFactory = _ => "cpu" };

    /// <summary>--precision fp32|bf16 (Inference/PrecisionSupport parses it and refuses bf16 without hardware support).</summary>
    public static Option<string> Precision() => new("--precision")
    {
        Description = "Network arithmetic: fp32, or bf16 (CPU with AVX512_BF16/AMX, or CUDA; the code choice, sampling and output stay float32; docs/precision.md)",
        DefaultValueFactory = _ => "fp32",
    };

    /// <summary>True when progress bars make sense: the command writes to the real console and it is a terminal.</summary>
    public static bool IsInteractive(ParseResult parse) =>
        ReferenceEquals(parse.InvocationConfiguration.Output, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
}
