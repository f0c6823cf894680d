using System.Diagnostics;
using Ridcp.Core;
using Ridcp.Imaging;
using Ridcp.Models;
using Ridcp.Training.Config;
using Ridcp.Training.Data;
using static TorchSharp.torch;

namespace Ridcp.Training;

/// <summary>`ridcp bench train`: seconds per training iteration (generator + discriminator step, losses included) of
/// each stage, at official size (batch 1, 256x256 crops, official nets, ResNet18 perceptual loss) and for the small
/// configs, on the CPU or a CUDA device. Inputs are random tensors of the crop size, so the figure is the model step alone; the data pipeline
/// runs on background threads during training.</summary>
public static class TrainBenchmark
{
    public static IEnumerable<string> Run(int iterations, int threads, bool official, string? smallConfigDir, Device? device = null)
    {
        if (iterations < 1) throw new ArgumentException("--iterations must be >= 1");
        device ??= CPU;
        if (threads > 0) set_num_threads(threads);
        bool reuse = NativeHeap.KeepFreedMemory();   // as `ridcp train` does
        yield return $"torch threads: {get_num_threads()}, {iterations} timed iteration(s) after one warm-up, device {device}, " +
                     $"heap {(reuse ? "keeps freed memory (as ridcp train)" : "glibc defaults or the user's MALLOC_* settings")}";
        if (official)
        {
            var o1 = new TrainOptions { Stage = TrainStage.Vqgan, Data = new DataOptions { GtSize = 256, BatchSize = 1 } };
            yield return Line("stage 1 vqgan, official size", Time(o1, VQWeightDehazeNetOptions.OfficialHq, iterations, device));
            var o2 = new TrainOptions { Stage = TrainStage.Ridcp, Data = new DataOptions { GtSize = 256, BatchSize = 1 }, NetworkD = new DiscriminatorOptions { NumInCh = 512 },
                                        FrozenModuleKeywords = ["quantize", "decoder_group", "after_quant_group", "out_conv"] };
            yield return Line("stage 2 ridcp, official size", Time(o2, VQWeightDehazeNetOptions.OfficialHq with { LqStage = true }, iterations, device));
        }
        string dir = smallConfigDir ?? FindConfigs() ?? throw new DirectoryNotFoundException("configs/ with vqgan-small.yml not found; pass --small-config DIR");
        foreach (var (stage, file) in new[] { (TrainStage.Vqgan, "vqgan-small.yml"), (TrainStage.Ridcp, "ridcp-small.yml") })
        {
            var path = Path.Combine(dir, file);
            var o = TrainOptionsLoader.Load(path, stage, dataRootOverride: Path.GetTempPath());
            var netOpts = o.NetworkG;
            yield return Line($"stage {(stage == TrainStage.Vqgan ? "1 vqgan" : "2 ridcp")}, {file} (batch {o.Data.BatchSize}, {o.Data.GtSize}px)", Time(o, netOpts, iterations, device));
        }
    }

    private static string Line(string what, (double Wall, double Cpu) t) =>
        $"{what}: {t.Wall:F3} s/iteration wall, {t.Cpu:F3} CPU-s/iteration (all threads; on a busy machine wall exceeds CPU / threads)";

    private static string? FindConfigs()
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "configs", "vqgan-small.yml"))) return Path.Combine(d.FullName, "configs");
        return null;
    }

    /// <summary>Mean wall and process-CPU seconds of <paramref name="iterations"/> iterations after one warm-up.</summary>
    public static (double Wall, double Cpu) Time(TrainOptions o, VQWeightDehazeNetOptions netOpts, int iterations, Device? device = null)
    {
        device ??= CPU;
        manual_seed(0);
        var perceptual = TrainingService.MakePerceptual(o);
        var empty = new List<(string, RgbImage, RgbImage)>();
        using GanTrainerBase model = o.Stage == TrainStage.Vqgan
            ? new VqganTrainer(o, device, new VQWeightDehazeNet(netOpts with { LqStage = false }), perceptual, empty)
            : new RidcpTrainer(o, device, new VQWeightDehazeNet(netOpts with { LqStage = true }), new VQWeightDehazeNet(netOpts with { LqStage = false }),
                               "random stage-1 weights", perceptual, empty);
        int s = o.Data.GtSize, b = o.Data.BatchSize;
        double total = 0, cpu = 0;
        var proc = Process.GetCurrentProcess();
        for (int i = 0; i <= iterations; i++)
        {
            using var batch = new TrainBatch(rand(b, 3, s, s), o.Stage == TrainStage.Ridcp ? rand(b, 3, s, s) : null, 0);
            proc.Refresh();
            var cpu0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            model.OptimizeParameters(i + 1, batch);
            // CUDA kernels run asynchronously: wait for them, or the figure is only the launch time.
            if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
            proc.Refresh();
            if (i > 0) { total += sw.Elapsed.TotalSeconds; cpu += (proc.TotalProcessorTime - cpu0).TotalSeconds; }
        }
        return (total / iterations, cpu / iterations);
    }
}
