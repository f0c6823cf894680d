using System.Globalization;

namespace Ridcp.Evaluation;

/// <summary>How scores are written in reports: invariant culture, round-trip precision; +inf as "inf" (PSNR of
/// identical images), NaN (not computed) as an empty field.</summary>
public static class ReportNumbers
{
    public static string Csv(double v) =>
        double.IsNaN(v) ? "" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Short form for tables: 4 decimals (PSNR/BRISQUE-sized numbers keep 2).</summary>
    public static string Short(double v) =>
        double.IsNaN(v) ? "-" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf"
        : Math.Abs(v) >= 10 ? v.ToString("F2", CultureInfo.InvariantCulture) : v.ToString("F4", CultureInfo.InvariantCulture);
}
