using System.CommandLine;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp bench ...`: benchmarks that print figures (speed, memory). One subcommand per area.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var cmd = new Command("bench", "Benchmarks that print speed and memory figures");
        cmd.Subcommands.Add(SynthesizeCommand.CreateBench());
        cmd.Subcommands.Add(BenchDehazeCommand.Create());
        cmd.Subcommands.Add(BenchMetricsCommand.Create());
        cmd.Subcommands.Add(TrainCommand.CreateBench());
        cmd.Subcommands.Add(BenchAttentionCommand.Create());
        return cmd;
    }
}
