using System.Text;
using System.Text.Json;
using Ridcp.Core;

namespace Ridcp.Evaluation;

/// <summary>REPORT.json: per metric the mean and median over the images (the input's beside them when an input folder
/// was given), the per-image scores and the problems. Non-finite numbers are written as the strings "inf"/"-inf",
/// a score that could not be computed as null.</summary>
public static class JsonReportWriter
{
    public static string ToJson(EvalReport report)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("images", report.Images.Count);
            w.WriteStartArray("metrics");
            foreach (var m in report.Metrics) w.WriteStringValue(m.Column);
            w.WriteEndArray();
            w.WriteStartObject("summary");
            foreach (var s in report.Summary)
            {
                w.WriteStartObject(s.Metric);
                w.WriteNumber("count", s.Count);
                Number(w, "mean", s.Mean);
                Number(w, "median", s.Median);
                if (report.HasInput)
                {
                    w.WriteStartObject("input");
                    w.WriteNumber("count", s.InputCount);
                    Number(w, "mean", s.InputMean);
                    Number(w, "median", s.InputMedian);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("per_image");
            foreach (var img in report.Images)
            {
                w.WriteStartObject();
                w.WriteString("file", img.File);
                if (img.ReferenceFile is not null) w.WriteString("reference", img.ReferenceFile);
                if (img.InputFile is not null) w.WriteString("input", img.InputFile);
                w.WriteStartObject("scores");
                foreach (var (k, v) in img.Prediction) Number(w, k, v);
                w.WriteEndObject();
                if (img.Input is not null)
                {
                    w.WriteStartObject("input_scores");
                    foreach (var (k, v) in img.Input) Number(w, k, v);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("problems");
            foreach (var p in report.Problems)
            {
                w.WriteStartObject();
                w.WriteString("file", p.File);
                w.WriteString("kind", p.Kind);
                w.WriteString("message", p.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    public static void Write(EvalReport report, string path) => AtomicFile.WriteAllText(path, ToJson(report));

    static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsNaN(v)) w.WriteNull(name);
        else if (double.IsInfinity(v)) w.WriteString(name, v > 0 ? "inf" : "-inf");
        else w.WriteNumber(name, v);
    }
}
