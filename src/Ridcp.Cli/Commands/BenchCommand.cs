using System.CommandLine;

namespace Ridcp.Cli.Commands;

<<<<<<< HEAD
/// <summary>`ridcp bench ...`: benchmarks that print figures (speed, memory). One subcommand per area.</summary>
=======
/// <summary>`ridcp bench ...`: benchmarks that print their figures (speed and memory are measured here, never in
/// unit tests). Each benchmark is a subcommand.</summary>
>>>>>>> training
public static class BenchCommand
{
    public static Command Create()
    {
<<<<<<< HEAD
        var cmd = new Command("bench", "Benchmarks that print speed and memory figures");
        cmd.Subcommands.Add(SynthesizeCommand.CreateBench());
        cmd.Subcommands.Add(BenchDehazeCommand.Create());
=======
        var cmd = new Command("bench", "Measure speed and memory");
        cmd.Subcommands.Add(BenchDehazeCommand.Create());
        cmd.Subcommands.Add(SynthesizeCommand.CreateBench());
        cmd.Subcommands.Add(TrainCommand.CreateBench());
>>>>>>> training
        return cmd;
    }
}
