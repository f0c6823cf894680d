using System.Globalization;
using System.Text.Json;

namespace Ridcp.Training;

/// <summary>Chooses the checkpoint a resumed run starts from, trusting nothing in the run folder: each candidate,
/// newest first, must have a state.json that parses, names its own folder's iteration (0..total) and a non-negative
/// sample, comes from the same options (fingerprint), and holds every file of a checkpoint, none of them empty; it
/// must then load. A candidate that fails is skipped with a warning and the previous one is tried, so a damaged last
/// checkpoint costs the iterations since the one before, not the run. Nothing is written here: when no candidate is
/// usable the resume is refused and the run folder stays as it was.</summary>
public static class ResumePoint
{
    public static readonly string[] Files = ["net_g.pth", "net_d.pth", "optim_g.bin", "optim_d.bin", "rng.pth", "state.json"];

    /// <summary>The checkpoint loaded into <paramref name="model"/> and its state.</summary>
    /// <exception cref="InvalidDataException">no checkpoint of the folder is usable (the message lists why)</exception>
    public static (string Dir, CheckpointState State) Load(RunFolder run, ITrainerModel model, long maxIter, string configFingerprint, Action<string> warn)
    {
        var reasons = new List<string>();
        foreach (var dir in run.CheckpointDirs())
        {
            string name = Path.GetFileName(dir);
            string? problem = Problem(dir, maxIter, configFingerprint, out var state);
            if (problem is null)
            {
                try
                {
                    model.Load(dir);
                    if (reasons.Count > 0) warn($"warning: resuming from {name}, the newest usable checkpoint ({string.Join("; ", reasons)})");
                    return (dir, state!);
                }
                catch (Exception e) when (e is IOException or InvalidDataException or Checkpoints.CheckpointFormatException
                                              or Checkpoints.CheckpointMismatchException or FormatException or ArgumentException
                                              or System.Runtime.InteropServices.ExternalException)
                {
                    problem = $"cannot be loaded: {e.Message.ReplaceLineEndings(" ")}";
                }
            }
            reasons.Add($"{name} {problem}");
            warn($"warning: checkpoint {name} is unusable ({problem}); trying the previous one");
        }
        if (reasons.Count == 0) throw new InvalidDataException($"nothing to resume in {run.Root}: no complete checkpoint");
        throw new InvalidDataException($"no usable checkpoint in {run.Root}: {string.Join("; ", reasons)}");
    }

    /// <summary>Why the checkpoint in <paramref name="dir"/> cannot be resumed from, or null.</summary>
    public static string? Problem(string dir, long maxIter, string configFingerprint, out CheckpointState? state)
    {
        state = null;
        foreach (var f in Files)
        {
            var info = new FileInfo(Path.Combine(dir, f));
            if (!info.Exists) return $"lacks {f}";
            if (info.Length == 0) return $"has an empty {f}";
        }
        try { state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(dir, "state.json"))); }
        catch (JsonException e) { return $"has an unreadable state.json ({e.Message})"; }
        if (state is null) return "has an empty state.json";
        string name = Path.GetFileName(dir);
        if (!name.StartsWith("iter_", StringComparison.Ordinal) || !long.TryParse(name[5..], NumberStyles.None, CultureInfo.InvariantCulture, out long folderIter))
            return "is not named iter_NNNNNNNN";
        if (state.Iter != folderIter) return $"says iteration {state.Iter} in folder {name}";
        if (state.Iter < 0 || state.Iter > maxIter) return $"says iteration {state.Iter}, outside the run's 0..{maxIter}";
        if (state.NextSample < 0) return $"says next sample {state.NextSample}";
        if (state.Config is not null && state.Config != configFingerprint)
            return "was written with other options than the config now given (resume with the run's own config.yml, or start a new run)";
        return null;
    }
}
