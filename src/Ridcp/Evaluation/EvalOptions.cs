using Ridcp.Metrics;

namespace Ridcp.Evaluation;

/// <summary>What `ridcp eval` measures: the prediction folder, optional reference (ground truth) and input (hazy)
/// folders paired by file name, the metrics, and where the report goes.</summary>
/// <param name="ReportBase">Report path without extension: REPORT.csv, REPORT.json (and REPORT.html) are written.</param>
public sealed record EvalOptions(
    string PredictionDir,
    IReadOnlyList<Metric> Metrics,
    string ReportBase,
    string? ReferenceDir = null,
    string? InputDir = null,
    bool Html = false)
{
    /// <summary>Default metric list of `ridcp eval` with reference images (issue 11: every model comparison reports
    /// colour fidelity, which PSNR/SSIM and the no-reference metrics do not see).</summary>
    public const string DefaultMetrics = "psnr,ssim,ciede2000,fade,niqe,brisque";

    /// <summary>Longest side of the images embedded in the HTML report.</summary>
    public int ThumbnailSide { get; init; } = 320;

    public void Validate()
    {
        if (!Directory.Exists(PredictionDir)) throw new DirectoryNotFoundException($"prediction folder not found: {PredictionDir}");
        if (ReferenceDir is not null && !Directory.Exists(ReferenceDir)) throw new DirectoryNotFoundException($"reference folder not found: {ReferenceDir}");
        if (InputDir is not null && !Directory.Exists(InputDir)) throw new DirectoryNotFoundException($"input folder not found: {InputDir}");
        if (Metrics.Count == 0) throw new ArgumentException("no metric given");
        var fr = Metrics.FirstOrDefault(m => m.NeedsReference);
        if (fr is not null && ReferenceDir is null)
            throw new ArgumentException($"metric '{fr.Column}' needs reference images: give --ref DIR or drop it from --metrics");
    }

    /// <summary>REPORT given as "out/report", "out/report.csv", ".json" or ".html" all mean the same base.</summary>
    public static string ReportBaseOf(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext is ".csv" or ".json" or ".html" ? path[..^ext.Length] : path;
    }
}
