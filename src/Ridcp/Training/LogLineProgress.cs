namespace Ridcp.Training;

/// <summary>Plain progress: a log line every print_freq iterations with rate and ETA.</summary>
public sealed class LogLineProgress(TextWriter writer, long printFreq) : ITrainingProgress
{
    private long total;
    public void Start(long firstIter, long totalIter) => total = totalIter;
    public void Iteration(long iter, IReadOnlyDictionary<string, double> losses, double secondsPerIter)
    {
        if (iter % printFreq != 0 && iter != total) return;
        var eta = TimeSpan.FromSeconds(secondsPerIter * (total - iter));
        writer.WriteLine($"[iter {iter}/{total}] {secondsPerIter:F2} s/it, eta {eta:hh\\:mm\\:ss}  " +
                         string.Join("  ", losses.Select(kv => $"{kv.Key} {kv.Value:G4}")));
    }
    public void Log(string line) => writer.WriteLine(line);
    public void Stop() { }
}
