namespace Ridcp.Training;

/// <summary>Where the loop reports progress: a progress bar on a terminal, plain log lines otherwise.</summary>
public interface ITrainingProgress
{
    void Start(long firstIter, long totalIter);
    /// <summary>After each iteration; <paramref name="losses"/> are this iteration's values.</summary>
    void Iteration(long iter, IReadOnlyDictionary<string, double> losses, double secondsPerIter);
    /// <summary>A log line (also written to RUN_DIR/train.log by the loop).</summary>
    void Log(string line);
    void Stop();
}
