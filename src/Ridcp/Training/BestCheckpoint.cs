using System.Globalization;
using System.Text.Json;
using Ridcp.Core;

namespace Ridcp.Training;

/// <summary>Keeps RUN_DIR/net_g_best.pth: the generator of the validation with the best value of one metric
/// (val.best_metric), and RUN_DIR/best.json saying which iteration that was and everything it scored. GAN training
/// of a small model moves up and down from checkpoint to checkpoint, so the last one is rarely the best.</summary>
public sealed class BestCheckpoint
{
    /// <summary>Selectable metrics and whether larger is better.</summary>
    private static readonly Dictionary<string, bool> HigherIsBetter = new()
    {
        ["psnr"] = true, ["ssim"] = true, ["psnr_rgb"] = true, ["ssim_rgb"] = true, ["ciede2000"] = false,
    };

    public static IEnumerable<string> Metrics => HigherIsBetter.Keys;
    public static bool IsKnownMetric(string name) => HigherIsBetter.ContainsKey(name);

    public sealed record Record(string Metric, long Iter, double Value, Dictionary<string, double> Scores);

    private readonly string metric;
    private readonly string jsonPath;
    private readonly string weightsPath;
    public Record? Best { get; private set; }

    /// <summary>Opens the run's record; a best found after <paramref name="resumeIter"/> belongs to a part of the run
    /// that is being redone and is forgotten.</summary>
    public BestCheckpoint(RunFolder run, string metric, long resumeIter)
    {
        if (!IsKnownMetric(metric)) throw new ArgumentException($"unknown best_metric '{metric}'");
        this.metric = metric;
        jsonPath = run.BestRecord;
        weightsPath = run.NetGBest;
        if (File.Exists(jsonPath))
        {
            var r = JsonSerializer.Deserialize<Record>(File.ReadAllText(jsonPath));
            if (r is not null && r.Metric == metric && r.Iter <= resumeIter && File.Exists(weightsPath)) Best = r;
        }
    }

    /// <summary>True (and the generator saved) when these scores beat the best so far.</summary>
    public bool Offer(long iter, IReadOnlyDictionary<string, double> scores, ITrainerModel model)
    {
        if (!scores.TryGetValue(metric, out double v) || !double.IsFinite(v)) return false;
        if (Best is not null && !(HigherIsBetter[metric] ? v > Best.Value : v < Best.Value)) return false;
        model.SaveGenerator(weightsPath);   // written atomically (CheckpointWriter)
        Best = new Record(metric, iter, v, new Dictionary<string, double>(scores));
        AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(Best, new JsonSerializerOptions { WriteIndented = true }));
        return true;
    }

    public string Describe() => Best is null ? "no best checkpoint yet"
        : $"best {metric} {Best.Value.ToString("G5", CultureInfo.InvariantCulture)} at iteration {Best.Iter} (net_g_best.pth)";
}
