using System.CommandLine;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp bench ...`: benchmarks that print their figures (speed and memory are measured here, never in
/// unit tests). Each benchmark is a subcommand.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench", "Measure speed and memory");
        cmd.Subcommands.Add(BenchDehazeCommand.Create());
        cmd.Subcommands.Add(SynthesizeCommand.CreateBench());
        cmd.Subcommands.Add(TrainCommand.CreateBench());
        cmd.Subcommands.Add(BenchMetricsCommand.Create());
        return cmd;
    }
}
