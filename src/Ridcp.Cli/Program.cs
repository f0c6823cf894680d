using System.CommandLine;
using Ridcp.Cli.Commands;

namespace Ridcp.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        AllocatorLauncher.RestartOnJemallocIfInstalled();
        return CliInvocation.Run(Build(), args);
    }

    /// <summary>The whole command tree; each command lives in Commands/ and calls a library service.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Ridcp.NET — RIDCP real-image dehazing (CVPR 2023) in C#");
        HelpDetails.Install(root);
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(SynthesizeCommand.Create());
        root.Subcommands.Add(DehazeCommand.Create());
        root.Subcommands.Add(ReconstructCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ChmCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        return root;
    }
}
