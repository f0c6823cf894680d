using Xunit;
using Ridcp.Imaging;
using Ridcp.Metrics;

namespace Ridcp.Tests.Evaluation;

/// <summary>A temporary pred/ref/input folder layout for evaluation tests, removed on dispose.</summary>
sealed class EvalFolders : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ridcp-eval-" + Guid.NewGuid().ToString("N")[..8]);
    public string Pred => Path.Combine(Root, "pred");
    public string Ref => Path.Combine(Root, "ref");
    public string Input => Path.Combine(Root, "input");
    public string Report => Path.Combine(Root, "out", "report");

    public EvalFolders()
    {
        Directory.CreateDirectory(Pred); Directory.CreateDirectory(Ref); Directory.CreateDirectory(Input);
    }

    /// <summary>Writes a deterministic picture (shifted by <paramref name="offset"/> grey levels) as PNG.</summary>
    public string Picture(string dir, string name, int offset = 0, int w = 160, int h = 120)
    {
        var img = MetricsBenchmark.TestPicture(w, h);
        for (int i = 0; i < img.Data.Length; i++) img.Data[i] = Math.Clamp(img.Data[i] + offset / 255f, 0f, 1f);
        var path = Path.Combine(dir, name);
        ImageFile.Write(img, path);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
