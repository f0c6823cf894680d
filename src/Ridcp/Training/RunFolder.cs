using System.Globalization;
using System.Text.Json;
using Ridcp.Core;

namespace Ridcp.Training;

/// <summary>The files of a training run:
/// <c>config.yml</c> (resolved options), <c>train.log</c>, <c>losses.csv</c>, <c>losses.png</c>,
/// <c>validation.csv</c>, <c>net_g_latest.pth</c> (always the newest generator), <c>net_g_best.pth</c> and
/// <c>best.json</c> (the generator of the best validation, <see cref="BestCheckpoint"/>),
/// <c>checkpoints/iter_NNNNNNNN/</c> (net_g.pth, net_d.pth, optim_g.bin, optim_d.bin, rng.pth, state.json; each folder
/// is written under a temporary name and renamed when complete, so a crash never leaves a half checkpoint),
/// <c>val/iter_NNNNNNNN/</c> (side-by-side validation images).</summary>
public sealed class RunFolder
{
    public string Root { get; }

    public RunFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Config => Path.Combine(Root, "config.yml");
    public string Log => Path.Combine(Root, "train.log");
    public string Losses => Path.Combine(Root, "losses.csv");
    public string LossPlot => Path.Combine(Root, "losses.png");
    public string Validation => Path.Combine(Root, "validation.csv");
    public string NetGLatest => Path.Combine(Root, "net_g_latest.pth");
    public string NetGBest => Path.Combine(Root, "net_g_best.pth");
    public string BestRecord => Path.Combine(Root, "best.json");
    public string CheckpointsDir => Path.Combine(Root, "checkpoints");
    public string ValImages(long iter) => Path.Combine(Root, "val", $"iter_{iter:D8}");
    public string CheckpointDir(long iter) => Path.Combine(CheckpointsDir, $"iter_{iter:D8}");

    public void AppendLog(string line) =>
        File.AppendAllText(Log, $"{DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {line}\n");

    /// <summary>Saves a complete checkpoint: the model writes into a temporary folder that is then renamed.</summary>
    public string SaveCheckpoint(long iter, long nextSample, ITrainerModel model, string? configFingerprint = null)
    {
        Directory.CreateDirectory(CheckpointsDir);
        StaleTemp.Clean(CheckpointsDir);
        string final = CheckpointDir(iter);
        string tmp = Path.Combine(CheckpointsDir, $".iter_{iter:D8}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        Directory.CreateDirectory(tmp);
        model.Save(tmp);
        var state = new CheckpointState(iter, nextSample, configFingerprint);
        AtomicFile.WriteAllText(Path.Combine(tmp, "state.json"), JsonSerializer.Serialize(state));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(tmp, final);
        // The newest generator, copied atomically.
        byte[] g = File.ReadAllBytes(Path.Combine(final, "net_g.pth"));
        AtomicFile.WriteAllBytes(NetGLatest, g);
        return final;
    }

    /// <summary>Checkpoint folders (iter_* with a state.json), newest first; their contents are not trusted here
    /// (see <see cref="ResumePoint"/>).</summary>
    public IReadOnlyList<string> CheckpointDirs() => !Directory.Exists(CheckpointsDir) ? []
        : Directory.GetDirectories(CheckpointsDir, "iter_*")
            .Where(d => File.Exists(Path.Combine(d, "state.json")))
            .OrderByDescending(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToList();
}
