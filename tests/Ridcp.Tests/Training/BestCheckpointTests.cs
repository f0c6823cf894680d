using Xunit;
using Ridcp.Tests.Checkpoints;
using Ridcp.Training;
using Ridcp.Training.Data;

namespace Ridcp.Tests.Training;

public sealed class BestCheckpointTests : IDisposable
{
    private readonly TempFolder temp = new();

    /// <summary>Writes the iteration it was asked at into the generator file, so a test can tell which one was kept.</summary>
    private sealed class MarkingModel : ITrainerModel
    {
        public long Iter;
        public void SaveGenerator(string path) => File.WriteAllText(path, Iter.ToString());
        public IReadOnlyDictionary<string, double> OptimizeParameters(long iter, TrainBatch batch) => throw new NotSupportedException();
        public void SetLearningRates(double lrG, double lrD) { }
        public ValidationResult Validate(long iter, string imageDir, bool saveImages) => throw new NotSupportedException();
        public void Save(string dir) { }
        public void Load(string dir) { }
        public IReadOnlyList<string> Describe() => [];
        public void Dispose() { }
    }

    private bool Offer(BestCheckpoint best, MarkingModel m, long iter, string metric, double value)
    {
        m.Iter = iter;
        return best.Offer(iter, new Dictionary<string, double> { [metric] = value, ["other"] = 1 }, m);
    }

    [Fact]
    public void The_best_psnr_is_kept_not_the_last()
    {
        var run = new RunFolder(temp.Path);
        var best = new BestCheckpoint(run, "psnr_rgb", resumeIter: 0);
        var m = new MarkingModel();
        Assert.True(Offer(best, m, 250, "psnr_rgb", 15.0));
        Assert.True(Offer(best, m, 500, "psnr_rgb", 17.5));
        Assert.False(Offer(best, m, 750, "psnr_rgb", 16.0));
        Assert.Equal("500", File.ReadAllText(run.NetGBest));
        Assert.Equal(500, best.Best!.Iter);
        Assert.Contains("\"Iter\": 500", File.ReadAllText(run.BestRecord));
    }

    [Fact]
    public void For_colour_difference_lower_is_better()
    {
        var run = new RunFolder(temp.Path);
        var best = new BestCheckpoint(run, "ciede2000", 0);
        var m = new MarkingModel();
        Offer(best, m, 250, "ciede2000", 12.0);
        Assert.False(Offer(best, m, 500, "ciede2000", 13.0));
        Assert.True(Offer(best, m, 750, "ciede2000", 9.0));
        Assert.Equal("750", File.ReadAllText(run.NetGBest));
    }

    [Fact]
    public void A_resumed_run_keeps_its_earlier_best_but_forgets_one_from_iterations_it_redoes()
    {
        var run = new RunFolder(temp.Path);
        var m = new MarkingModel();
        Offer(new BestCheckpoint(run, "psnr_rgb", 0), m, 500, "psnr_rgb", 20.0);
        Assert.Equal(500, new BestCheckpoint(run, "psnr_rgb", resumeIter: 750).Best!.Iter);
        var redo = new BestCheckpoint(run, "psnr_rgb", resumeIter: 250);
        Assert.Null(redo.Best);
        Assert.True(Offer(redo, m, 500, "psnr_rgb", 18.0));
    }

    [Fact]
    public void An_unknown_metric_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new BestCheckpoint(new RunFolder(temp.Path), "fade", 0));
    }

    public void Dispose() => temp.Dispose();
}
