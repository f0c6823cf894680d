using Ridcp.Metrics;

namespace Ridcp.Evaluation;

/// <summary>The outcome of an evaluation: per-image scores, per-metric summaries and the files that had problems.</summary>
public sealed record EvalReport(
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<ImageScores> Images,
    IReadOnlyList<MetricSummary> Summary,
    IReadOnlyList<EvalProblem> Problems,
    bool HasInput,
    bool HasReference)
{
    public IEnumerable<EvalProblem> Unreadable => Problems.Where(p => p.Kind == "unreadable");
}
