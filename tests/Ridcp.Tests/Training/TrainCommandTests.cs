using Ridcp.Cli;
using Ridcp.Tests.Cli;
using Ridcp.Training;
using Ridcp.Training.Config;
using Xunit;

namespace Ridcp.Tests.Training;

public class TrainCommandTests
{
    [Fact]
    public void Missing_out_folder_is_a_usage_error_on_one_line()
    {
        var r = CliRun.Invoke("train", "vqgan", "--config", "x.yml");
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Single(r.ErrLines);
        Assert.StartsWith("error: ", r.Err);
        Assert.Contains("--out", r.Err);
    }

    [Fact]
    public void Missing_config_file_is_a_bad_input_error()
    {
        using var tempFolder = new TempFolder();
        string dir = tempFolder.Path;
        var r = CliRun.Invoke("train", "ridcp", "--config", Path.Combine(dir, "nope.yml"), "--out", Path.Combine(dir, "run"));
        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Contains("nope.yml", r.Err);
        Assert.Single(r.ErrLines);
    }

    [Fact]
    public void Resume_of_an_empty_folder_is_refused()
    {
        using var tempFolder = new TempFolder();
        string dir = tempFolder.Path;
        var r = CliRun.Invoke("train", "vqgan", "--resume", dir);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Contains("nothing to resume", r.Err);
    }

    /// <summary>--vgg-weights (stage-1 semantic loss): a missing file, a file that is no checkpoint, and a checkpoint
    /// that is not VGG19 each end the run before training with one error line naming the problem.</summary>
    [Theory]
    [InlineData("missing")]
    [InlineData("corrupt")]
    [InlineData("wrong checkpoint")]
    public void Bad_vgg_weights_are_bad_input_on_one_line(string kind)
    {
        using var tempFolder = new TempFolder();
        string dir = tempFolder.Path;
        string cfg = TinySetup.CliRunConfig(dir);
        string vgg = Path.Combine(dir, "vgg19.pth");
        string expected = kind switch
        {
            "missing" => "not found",
            "corrupt" => "not a PyTorch checkpoint",
            _ => "features.0.weight",
        };
        if (kind == "corrupt") File.WriteAllText(vgg, "not a checkpoint");
        if (kind == "wrong checkpoint") File.Copy(Fixture.File("parity", "ckpt_params_small.pth"), vgg);

        var r = CliRun.Invoke("train", "vqgan", "--config", cfg, "--out", Path.Combine(dir, "run"), "--vgg-weights", vgg);

        Assert.Equal(ExitCodes.BadInput, r.ExitCode);
        Assert.Single(r.ErrLines);
        Assert.StartsWith("error: ", r.Err);
        Assert.Contains(expected, r.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "run")), "a run that never started leaves no folder behind");
    }

    /// <summary>Ctrl+C cancels the token; the loop stops after the running iteration and saves a checkpoint of it.</summary>
    [Fact]
    public void Cancelling_saves_a_checkpoint_of_the_last_finished_iteration_and_the_run_resumes()
    {
        using var tempFolder = new TempFolder();
        string root = tempFolder.Path;
        string cfg = TinySetup.CliRunConfig(root);
        string run = Path.Combine(root, "run");
        using var cts = new CancellationTokenSource();
        var outcome = TrainingService.Run(new TrainRequest(TrainStage.Vqgan, cfg, run), new CancelAt(2, cts), cts.Token);
        Assert.True(outcome.Interrupted);
        Assert.Equal(2, outcome.LastIter);
        Assert.True(File.Exists(Path.Combine(run, "checkpoints", "iter_00000002", "state.json")));
        Assert.True(File.Exists(Path.Combine(run, "net_g_latest.pth")));
        var resumed = TrainingService.Run(new TrainRequest(TrainStage.Vqgan, null, run, Resume: true, Iterations: 4), new LogLineProgress(TextWriter.Null, 100), CancellationToken.None);
        Assert.False(resumed.Interrupted);
        Assert.Equal(4, resumed.LastIter);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(run, "losses.csv")).Length);
    }

    private sealed class CancelAt(long iter, CancellationTokenSource cts) : ITrainingProgress
    {
        public void Start(long firstIter, long totalIter) { }
        public void Iteration(long i, IReadOnlyDictionary<string, double> losses, double secondsPerIter) { if (i == iter) cts.Cancel(); }
        public void Log(string line) { }
        public void Stop() { }
    }
}
