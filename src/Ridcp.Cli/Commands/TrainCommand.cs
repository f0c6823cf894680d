using System.CommandLine;
using Ridcp.Core;
using Ridcp.Training;
using Ridcp.Training.Config;
using Spectre.Console;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp train vqgan|ridcp` (Ridcp.Training.TrainingService) and `ridcp bench train`
/// (Ridcp.Training.TrainBenchmark).</summary>
public static class TrainCommand
{
    const string Description = """
        Train RIDCP's two stages. vqgan: the high-quality-prior VQGAN on clear images (FeMaSR's HQ recipe: L1 +
        perceptual + codebook (beta 0.25) + hinge GAN 0.1 with a U-Net discriminator on images; + the VGG19 semantic
        loss 0.1 with --vgg-weights). ridcp: the dehazing
        network (the official options/RIDCP.yml recipe; ours: configs/ridcp-small.yml), initialised from a vqgan checkpoint with the codebook, decoder and output conv
        frozen, on hazy crops synthesised on the fly. Writes into RUN_DIR: config.yml (resolved), train.log,
        losses.csv / losses.png, validation.csv, val/ images, checkpoints/iter_N/, and net_g_latest.pth (the newest
        generator, PyTorch format with its architecture under 'ridcp_arch'; `ridcp dehaze --weights` reads it).
        Ctrl+C saves a checkpoint; --resume RUN_DIR continues exactly where it stopped.
        """;

    static readonly Option<string?> Config = new("--config") { Description = "Options file (YAML; the repository's configs/ folder has the tiny, small and official ones). On --resume, defaults to RUN_DIR/config.yml" };
    static readonly Option<string?> Out = new("--out") { Description = "Run folder (created)" };
    static readonly Option<string?> Resume = new("--resume") { Description = "Continue the run in this folder from its newest checkpoint" };
    static readonly Option<long?> Iterations = new("--iterations") { Description = "Total iterations (overrides train.total_iter)" };
    static readonly Option<string?> Data = new("--data") { Description = "Data root (replaces the config's datasets.data_root)" };
    static readonly Option<string?> HqWeights = new("--hq-weights") { Description = "Stage-1 (vqgan) generator file, for `train ridcp`" };
    static readonly Option<string?> VggWeights = new("--vgg-weights") { Description = "torchvision VGG19 weights (vgg19-dcbb9e9d.pth, not shipped): turns on the semantic loss of `train vqgan` (semantic_opt, default weight 0.1)" };
    static readonly Option<string> DeviceOpt = new("--device") { Description = "cpu or cuda[:N] (needs a CUDA TorchSharp build)", DefaultValueFactory = _ => "cpu" };
    static readonly Option<bool> Verbose = CommonOptions.Verbose();

    public static Command Create()
    {
        var cmd = new Command("train", "Train RIDCP's two stages: vqgan (high-quality priors), then ridcp (the dehazer)").WithDetails(Description);
        cmd.Subcommands.Add(Stage("vqgan", "Stage 1: the high-quality-prior VQGAN on clear images", TrainStage.Vqgan, VggWeights));
        cmd.Subcommands.Add(Stage("ridcp", "Stage 2: the dehazing network, from a vqgan checkpoint (--hq-weights)", TrainStage.Ridcp));
        return cmd;
    }

    static Command Stage(string name, string description, TrainStage stage, params Option[] stageOptions)
    {
        var cmd = new Command(name, description);
        foreach (var o in new Option[] { Config, Out, Resume, Iterations, Data, HqWeights, DeviceOpt, Verbose }.Concat(stageOptions)) cmd.Options.Add(o);
        cmd.SetAction(r => Run(r, stage));
        return cmd;
    }

    static int Run(ParseResult r, TrainStage stage)
    {
        bool verbose = r.GetValue(Verbose);
        string? resume = r.GetValue(Resume), outDir = r.GetValue(Out);
        if (resume is not null && outDir is not null && Path.GetFullPath(resume) != Path.GetFullPath(outDir))
            return CliErrors.Report(r, new ArgumentException("--out and --resume name different folders"), verbose);
        string? dir = resume ?? outDir;
        if (dir is null) return CliErrors.Report(r, new ArgumentException("--out RUN_DIR (or --resume RUN_DIR) is required"), verbose);
        if (resume is null && r.GetValue(Config) is null) return CliErrors.Report(r, new ArgumentException("--config FILE is required"), verbose);
        var req = new TrainRequest(stage, r.GetValue(Config), dir, resume is not null, r.GetValue(Data), r.GetValue(Iterations),
                                   r.GetValue(HqWeights), r.GetValue(DeviceOpt)!, stage == TrainStage.Vqgan ? r.GetValue(VggWeights) : null);

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;     // a second Ctrl+C kills the process
            e.Cancel = true;
            cts.Cancel();
            r.InvocationConfiguration.Error.WriteLine("stopping after this iteration and saving a checkpoint (Ctrl+C again to abort)");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            TrainOutcome outcome;
            bool terminal = ReferenceEquals(r.InvocationConfiguration.Output, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
            if (terminal)
            {
                outcome = null!;
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx => outcome = TrainingService.Run(req, new BarProgress(ctx), cts.Token));
            }
            else outcome = TrainingService.Run(req, new LogLineProgress(r.InvocationConfiguration.Output, 10), cts.Token);
            r.InvocationConfiguration.Output.WriteLine($"{(outcome.Interrupted ? "stopped" : "finished")} at iteration {outcome.LastIter}: {Path.Combine(Path.GetFullPath(dir), "net_g_latest.pth")}");
            return ExitCodes.Ok;
        }
        catch (Exception e) { return CliErrors.Report(r, e, verbose); }
        finally { Console.CancelKeyPress -= onCancel; }
    }

    internal static Command CreateBench()
    {
        var iters = new Option<int>("--iterations") { Description = "Timed iterations per configuration (after one warm-up)", DefaultValueFactory = _ => 3 };
        var small = new Option<string?>("--small-config") { Description = "The small config to time (default configs/vqgan-small.yml and configs/ridcp-small.yml of the repository the program runs from)" };
        var threads = new Option<int>("--threads") { Description = "torch threads (0 = default)", DefaultValueFactory = _ => 0 };
        var officialOpt = new Option<bool>("--skip-official") { Description = "Skip the official-size runs (slow on CPU)" };
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N] (needs a CUDA TorchSharp build)", DefaultValueFactory = _ => "cpu" };
        var cmd = new Command("train", "Seconds per training iteration of each stage: official size (batch 1, 256x256) and the small configs, on the CPU or --device");
        foreach (var o in new Option[] { iters, small, threads, officialOpt, device, Verbose }) cmd.Options.Add(o);
        cmd.SetAction(r => CliErrors.Run(r, r.GetValue(Verbose), () =>
        {
            foreach (var line in TrainBenchmark.Run(r.GetValue(iters), r.GetValue(threads), !r.GetValue(officialOpt), r.GetValue(small), Devices.Parse(r.GetValue(device))))
                r.InvocationConfiguration.Output.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>Progress bar with iteration rate and ETA on an interactive terminal; log lines print above it.</summary>
    sealed class BarProgress(ProgressContext ctx) : ITrainingProgress
    {
        private ProgressTask? task;
        public void Start(long firstIter, long totalIter)
        {
            task = ctx.AddTask("training", maxValue: totalIter);
            task.Value = firstIter;
        }
        public void Iteration(long iter, IReadOnlyDictionary<string, double> losses, double secondsPerIter)
        {
            if (task is null) return;
            task.Value = iter;
            string l = losses.TryGetValue("l_g_total", out var g) ? $" loss {g:F4}" : "";
            task.Description = Markup.Escape($"iter {iter}/{task.MaxValue} {secondsPerIter:F2} s/it{l}");
        }
        public void Log(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));
        public void Stop() => task?.StopTask();
    }
}
