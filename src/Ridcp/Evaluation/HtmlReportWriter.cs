using System.Globalization;
using System.Net;
using System.Text;
using Ridcp.Core;

namespace Ridcp.Evaluation;

/// <summary>REPORT.html: one self-contained page (images embedded as downscaled JPEG data URIs, no external file or
/// script) with input / output / reference side by side, their scores, a summary, the problems, and columns sortable
/// by clicking their header (a few lines of inline JavaScript).</summary>
public static class HtmlReportWriter
{
    public static string ToHtml(EvalReport report, string title = "ridcp eval")
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n");
        sb.Append("<style>\n").Append(Css).Append("</style></head><body>\n");
        sb.Append("<h1>").Append(E(title)).Append("</h1>\n");
        sb.Append("<p>").Append(report.Images.Count).Append(" images evaluated");
        if (report.Problems.Count > 0) sb.Append(", ").Append(report.Problems.Count).Append(" problems (listed below)");
        sb.Append(". Click a column header to sort.</p>\n");

        sb.Append("<h2>Summary</h2>\n<table class=\"summary\"><thead><tr><th>metric</th><th>better</th><th>n</th><th>mean</th><th>median</th>");
        if (report.HasInput) sb.Append("<th>input mean</th><th>input median</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var m in report.Metrics)
        {
            var s = report.Summary.First(x => x.Metric == m.Column);
            sb.Append("<tr><td>").Append(E(m.Column)).Append("</td><td>").Append(m.HigherIsBetter ? "higher" : "lower")
              .Append("</td><td>").Append(s.Count).Append("</td><td>").Append(ReportNumbers.Short(s.Mean))
              .Append("</td><td>").Append(ReportNumbers.Short(s.Median)).Append("</td>");
            if (report.HasInput)
                sb.Append("<td>").Append(ReportNumbers.Short(s.InputMean)).Append("</td><td>").Append(ReportNumbers.Short(s.InputMedian)).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>\n");

        sb.Append("<h2>Images</h2>\n<table id=\"scores\" class=\"sortable\"><thead><tr><th data-type=\"text\">file</th><th class=\"nosort\">images</th>");
        foreach (var m in report.Metrics)
            sb.Append("<th data-type=\"num\">").Append(E(m.Column)).Append(m.HigherIsBetter ? " &uarr;" : " &darr;").Append("</th>");
        sb.Append("</tr></thead><tbody>\n");
        foreach (var img in report.Images)
        {
            sb.Append("<tr><td data-v=\"").Append(E(img.File)).Append("\">").Append(E(img.File)).Append("</td><td class=\"imgs\">");
            Figure(sb, img.InputThumbnail, "input" + (img.InputFile is null ? "" : ": " + img.InputFile));
            Figure(sb, img.PredictionThumbnail, "output: " + img.File);
            Figure(sb, img.ReferenceThumbnail, "reference" + (img.ReferenceFile is null ? "" : ": " + img.ReferenceFile));
            sb.Append("</td>");
            foreach (var m in report.Metrics)
            {
                double v = img.Prediction[m.Column];
                sb.Append("<td data-v=\"").Append(SortKey(v)).Append("\"><span class=\"score\">").Append(ReportNumbers.Short(v)).Append("</span>");
                if (img.Input is not null)
                    sb.Append("<br><span class=\"in\">input ").Append(ReportNumbers.Short(img.Input[m.Column])).Append("</span>");
                sb.Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>\n");

        if (report.Problems.Count > 0)
        {
            sb.Append("<h2>Problems</h2>\n<ul class=\"problems\">\n");
            foreach (var p in report.Problems)
                sb.Append("<li><b>").Append(E(p.File)).Append("</b> (").Append(E(p.Kind)).Append("): ").Append(E(p.Message)).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        sb.Append("<script>\n").Append(Script).Append("</script>\n</body></html>\n");
        return sb.ToString();
    }

    public static void Write(EvalReport report, string path) => AtomicFile.WriteAllText(path, ToHtml(report));

    static void Figure(StringBuilder sb, string? dataUri, string caption)
    {
        if (dataUri is null) return;
        sb.Append("<figure><img alt=\"").Append(E(caption)).Append("\" src=\"").Append(dataUri).Append("\"><figcaption>")
          .Append(E(caption)).Append("</figcaption></figure>");
    }

    static string SortKey(double v) =>
        double.IsNaN(v) ? "" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity"
        : v.ToString("R", CultureInfo.InvariantCulture);

    static string E(string s) => WebUtility.HtmlEncode(s);

    const string Css = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: middle; }
th { background: #f0f0f0; cursor: pointer; user-select: none; }
th.nosort { cursor: default; }
td:first-child, th:first-child { text-align: left; }
td.imgs, th.nosort { white-space: nowrap; text-align: center; }
figure { display: inline-block; margin: 2px 4px; }
figure img { max-height: 180px; display: block; }
figcaption { font-size: 0.75em; color: #555; }
.in { color: #777; font-size: 0.85em; }
th.asc::after { content: " \25B2"; } th.desc::after { content: " \25BC"; }

""";

    // Sort the rows of a table by the clicked column: numbers by data-v (empty = not computed, always last), text by
    // locale order; a second click reverses.
    const string Script = """
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  if (th.classList.contains('nosort')) return;
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var asc = !th.classList.contains('asc');
    table.querySelectorAll('th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
    th.classList.add(asc ? 'asc' : 'desc');
    var num = th.dataset.type === 'num';
    var rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
      if (num) {
        if (x === '' && y === '') return 0;
        if (x === '') return 1;
        if (y === '') return -1;
        var d = parseFloat(x) - parseFloat(y);
        if (isNaN(d)) d = 0;
        return asc ? d : -d;
      }
      return asc ? x.localeCompare(y) : y.localeCompare(x);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});

""";
}
