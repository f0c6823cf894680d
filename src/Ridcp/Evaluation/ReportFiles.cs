namespace Ridcp.Evaluation;

/// <summary>Writes REPORT.csv, REPORT.json and (when asked) REPORT.html next to each other, each atomically.</summary>
public static class ReportFiles
{
    public static IReadOnlyList<string> Write(EvalReport report, EvalOptions options)
    {
        var written = new List<string>();
        string csv = options.ReportBase + ".csv", json = options.ReportBase + ".json", html = options.ReportBase + ".html";
        CsvReportWriter.Write(report, csv); written.Add(csv);
        JsonReportWriter.Write(report, json); written.Add(json);
        if (options.Html) { HtmlReportWriter.Write(report, html); written.Add(html); }
        return written;
    }
}
