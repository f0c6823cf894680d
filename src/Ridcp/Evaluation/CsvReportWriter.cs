using System.Text;
using Ridcp.Core;

namespace Ridcp.Evaluation;

/// <summary>REPORT.csv: one row per evaluated image, columns <c>file</c> then one per metric, named as given on the
/// command line (the prediction's scores).</summary>
public static class CsvReportWriter
{
    public static string ToCsv(EvalReport report)
    {
        var sb = new StringBuilder();
        sb.Append("file");
        foreach (var m in report.Metrics) sb.Append(',').Append(Field(m.Column));
        sb.Append('\n');
        foreach (var img in report.Images)
        {
            sb.Append(Field(img.File));
            foreach (var m in report.Metrics) sb.Append(',').Append(ReportNumbers.Csv(img.Prediction[m.Column]));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static void Write(EvalReport report, string path) => AtomicFile.WriteAllText(path, ToCsv(report));

    /// <summary>RFC 4180 quoting where needed.</summary>
    static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
