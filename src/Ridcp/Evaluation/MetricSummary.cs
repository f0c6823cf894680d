namespace Ridcp.Evaluation;

/// <summary>Mean and median of one metric over the images where it was computed (NaN skipped; +inf, e.g. the PSNR of
/// identical images, kept).</summary>
public sealed record MetricSummary(string Metric, int Count, double Mean, double Median, int InputCount, double InputMean, double InputMedian)
{
    public static (int Count, double Mean, double Median) Of(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        if (v.Length == 0) return (0, double.NaN, double.NaN);
        double mean = v.Any(double.IsInfinity) ? v.Sum() : v.Average();
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return (v.Length, mean, median);
    }
}
