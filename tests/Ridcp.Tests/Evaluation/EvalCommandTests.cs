using Xunit;
using System.Globalization;
using System.Text.Json;
using Ridcp.Cli;
using Ridcp.Evaluation;
using Ridcp.Imaging;
using Ridcp.Metrics;

namespace Ridcp.Tests.Evaluation;

public class EvalCommandTests
{
    [Fact]
    public void Csv_has_file_then_the_metrics_named_as_on_the_command_line()
    {
        using var f = new EvalFolders();
        var a = f.Picture(f.Pred, "a.png");
        f.Picture(f.Pred, "b.png", offset: 20);
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "FADE, Brisque", "-o", f.Report);
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        var lines = File.ReadAllLines(f.Report + ".csv");
        Assert.Equal("file,FADE,Brisque", lines[0]);
        Assert.Equal(3, lines.Length);
        var row = lines[1].Split(',');
        Assert.Equal("a.png", row[0]);
        var img = ImageFile.Read(a);
        Assert.Equal(Fade.Compute(img), double.Parse(row[1], CultureInfo.InvariantCulture));
        Assert.Equal(Brisque.Compute(img), double.Parse(row[2], CultureInfo.InvariantCulture));
        Assert.Contains("FADE", r.Out); // terminal table
        Assert.True(File.Exists(f.Report + ".json"));
        Assert.False(File.Exists(f.Report + ".html"));
    }

    [Fact]
    public void Unreadable_images_are_listed_and_the_others_still_scored()
    {
        using var f = new EvalFolders();
        f.Picture(f.Pred, "good.png");
        File.WriteAllText(Path.Combine(f.Pred, "broken.jpg"), "not an image");
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "niqe", "-o", f.Report);
        Assert.Equal(ExitCodes.PartialFailure, r.ExitCode);
        Assert.Contains("broken.jpg", r.Err);
        var lines = File.ReadAllLines(f.Report + ".csv");
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("good.png,", lines[1]);
        using var json = JsonDocument.Parse(File.ReadAllText(f.Report + ".json"));
        var problem = json.RootElement.GetProperty("problems").EnumerateArray().Single();
        Assert.Equal("broken.jpg", problem.GetProperty("file").GetString());
        Assert.Equal("unreadable", problem.GetProperty("kind").GetString());
    }

    [Fact]
    public void Full_reference_metrics_pair_files_by_stem_and_report_the_input_beside()
    {
        using var f = new EvalFolders();
        var pred = f.Picture(f.Pred, "x.png", offset: 3);
        var refPath = f.Picture(f.Ref, "x.png");
        File.Move(refPath, Path.Combine(f.Ref, "x.bmp.png")); // not a pair: different stem
        var refImg = MetricsBenchmark.TestPicture(160, 120);
        ImageFile.Write(refImg, Path.Combine(f.Ref, "x.jpg"));
        f.Picture(f.Input, "x.png", offset: 30);
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--ref", f.Ref, "--input", f.Input, "--metrics", "psnr,ssim_y,niqe", "-o", f.Report + ".csv");
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(f.Report + ".json"));
        var img = json.RootElement.GetProperty("per_image")[0];
        Assert.Equal("x.jpg", img.GetProperty("reference").GetString());
        double psnr = img.GetProperty("scores").GetProperty("psnr").GetDouble();
        Assert.Equal(FullReference.Psnr(ImageFile.Read(pred), ImageFile.Read(Path.Combine(f.Ref, "x.jpg"))), psnr);
        double inputPsnr = img.GetProperty("input_scores").GetProperty("psnr").GetDouble();
        Assert.True(inputPsnr < psnr, "the input (30 levels off) must be further from the reference than the prediction (3 off)");
        var summary = json.RootElement.GetProperty("summary").GetProperty("psnr");
        Assert.Equal(psnr, summary.GetProperty("mean").GetDouble());
        Assert.Equal(psnr, summary.GetProperty("median").GetDouble());
        Assert.Equal(inputPsnr, summary.GetProperty("input").GetProperty("mean").GetDouble());
    }

    [Fact]
    public void Ciede2000_is_reported_in_csv_json_html_and_the_table_as_computed_directly()
    {
        using var f = new EvalFolders();
        var pred = f.Picture(f.Pred, "leaf.png", w: 24, h: 16);
        var refPath = f.Picture(f.Ref, "leaf.png", w: 24, h: 16);
        // The prediction loses green: a colour error the metric must see.
        var img = ImageFile.Read(pred);
        int plane = img.Width * img.Height;
        for (int i = 0; i < plane; i++) img.Data[plane + i] *= 0.7f;
        ImageFile.Write(img, pred);
        f.Picture(f.Input, "leaf.png", offset: 40, w: 24, h: 16);
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--ref", f.Ref, "--input", f.Input, "--metrics", "ciede2000", "-o", f.Report, "--html");
        Assert.Equal(ExitCodes.Ok, r.ExitCode);

        double expected = Ciede2000.MeanDeltaE(ImageFile.Read(pred), ImageFile.Read(refPath));
        Assert.True(expected > 1, $"a 30% green loss must be a visible colour difference, got {expected}");
        var lines = File.ReadAllLines(f.Report + ".csv");
        Assert.Equal("file,ciede2000", lines[0]);
        Assert.Equal(expected, double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture));
        using var json = JsonDocument.Parse(File.ReadAllText(f.Report + ".json"));
        var scores = json.RootElement.GetProperty("per_image")[0];
        Assert.Equal(expected, scores.GetProperty("scores").GetProperty("ciede2000").GetDouble());
        double input = Ciede2000.MeanDeltaE(ImageFile.Read(Path.Combine(f.Input, "leaf.png")), ImageFile.Read(refPath));
        Assert.Equal(input, scores.GetProperty("input_scores").GetProperty("ciede2000").GetDouble());
        Assert.Equal(expected, json.RootElement.GetProperty("summary").GetProperty("ciede2000").GetProperty("mean").GetDouble());
        var html = File.ReadAllText(f.Report + ".html");
        Assert.Contains("data-type=\"num\">ciede2000 &darr;", html); // lower is better
        Assert.Contains(ReportNumbers.Short(expected), html);
        Assert.Contains("ciede2000 ↓", r.Out);
        Assert.Contains(ReportNumbers.Short(expected), r.Out);
    }

    [Fact]
    public void Ciede2000_needs_references_and_is_a_default_metric_when_they_are_given()
    {
        using var f = new EvalFolders();
        f.Picture(f.Pred, "a.png", offset: 5);
        f.Picture(f.Ref, "a.png");
        var noRef = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "ciede2000", "-o", f.Report);
        Assert.Equal(ExitCodes.Usage, noRef.ExitCode);
        Assert.Contains("--ref", noRef.Err);
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--ref", f.Ref, "-o", f.Report);
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        Assert.Equal("file,psnr,ssim,ciede2000,fade,niqe,brisque", File.ReadAllLines(f.Report + ".csv")[0]);
    }

    [Fact]
    public void An_image_too_small_for_a_metric_is_a_listed_problem_not_a_stop()
    {
        using var f = new EvalFolders();
        f.Picture(f.Pred, "big.png");
        f.Picture(f.Pred, "tiny.png", w: 12, h: 12);
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "fade,brisque", "-o", f.Report);
        Assert.Equal(ExitCodes.PartialFailure, r.ExitCode);
        var lines = File.ReadAllLines(f.Report + ".csv");
        Assert.Equal(3, lines.Length);
        var tiny = lines.Single(l => l.StartsWith("tiny.png,")).Split(',');
        Assert.Equal("", tiny[1]);                 // FADE: not computable
        Assert.NotEqual("", tiny[2]);              // BRISQUE still scored
        Assert.Contains("tiny.png", r.Err);
    }

    [Fact]
    public void Psnr_without_references_is_a_usage_error_on_one_line()
    {
        using var f = new EvalFolders();
        f.Picture(f.Pred, "a.png");
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "psnr", "-o", f.Report);
        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("--ref", line);
        Assert.False(File.Exists(f.Report + ".csv"));
    }

    [Fact]
    public void Unknown_metric_is_a_usage_error_and_a_missing_folder_bad_input()
    {
        using var f = new EvalFolders();
        Assert.Equal(ExitCodes.Usage, EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "nima", "-o", f.Report).ExitCode);
        Assert.Equal(ExitCodes.BadInput, EvalCliRun.Invoke("eval", "--pred", Path.Combine(f.Root, "none"), "-o", f.Report).ExitCode);
    }

    [Fact]
    public void Grey_and_16_bit_images_are_scored()
    {
        using var f = new EvalFolders();
        File.Copy(Ridcp.Tests.Metrics.MetricsReference.Image("gray8_budgie_lake-sherburne.png"), Path.Combine(f.Pred, "grey.png"));
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--metrics", "brisque", "-o", f.Report);
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        var v = double.Parse(File.ReadAllLines(f.Report + ".csv")[1].Split(',')[1], CultureInfo.InvariantCulture);
        var (expected, tolerance, _) = Ridcp.Tests.Metrics.MetricsReference.NoReference("gray8_budgie_lake-sherburne.png", "brisque");
        Assert.Equal(expected, v, tolerance);
    }

    [Fact]
    public void Html_report_is_self_contained_and_shows_every_image_with_its_scores()
    {
        using var f = new EvalFolders();
        string[] names = ["one.png", "two.png", "three.png"];
        for (int i = 0; i < names.Length; i++)
        {
            f.Picture(f.Pred, names[i], offset: 2 * i + 1);
            f.Picture(f.Ref, names[i]);
            f.Picture(f.Input, names[i], offset: 25 + i);
        }
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--ref", f.Ref, "--input", f.Input, "--metrics", "psnr,fade", "-o", f.Report, "--html");
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        var html = File.ReadAllText(f.Report + ".html");
        // 3 images x (input, output, reference), embedded.
        Assert.Equal(9, CountOf(html, "src=\"data:image/jpeg;base64,"));
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("<link", html);
        using var json = JsonDocument.Parse(File.ReadAllText(f.Report + ".json"));
        foreach (var img in json.RootElement.GetProperty("per_image").EnumerateArray())
        {
            Assert.Contains(">" + img.GetProperty("file").GetString() + "<", html);
            foreach (var s in img.GetProperty("scores").EnumerateObject())
                Assert.Contains(ReportNumbers.Short(s.Value.GetDouble()), html);
            foreach (var s in img.GetProperty("input_scores").EnumerateObject())
                Assert.Contains("input " + ReportNumbers.Short(s.Value.GetDouble()), html);
        }
        Assert.Contains("table.sortable th", html); // the sorting script
        Assert.Contains("data-type=\"num\">psnr", html);
    }

    [Fact]
    public void Identical_prediction_and_reference_report_infinite_psnr_as_inf()
    {
        using var f = new EvalFolders();
        f.Picture(f.Pred, "same.png");
        f.Picture(f.Ref, "same.png");
        var r = EvalCliRun.Invoke("eval", "--pred", f.Pred, "--ref", f.Ref, "--metrics", "psnr,ssim", "-o", f.Report, "--html");
        Assert.Equal(ExitCodes.Ok, r.ExitCode);
        Assert.Equal("same.png,inf,1", File.ReadAllLines(f.Report + ".csv")[1]);
        using var json = JsonDocument.Parse(File.ReadAllText(f.Report + ".json"));
        Assert.Equal("inf", json.RootElement.GetProperty("summary").GetProperty("psnr").GetProperty("mean").GetString());
        Assert.Contains("data-v=\"Infinity\"", File.ReadAllText(f.Report + ".html"));
    }

    [Fact]
    public void File_names_are_escaped_in_the_html_page()
    {
        var report = new EvalReport([Metric.Parse("fade")],
            [new ImageScores("<b>&.png", new Dictionary<string, double> { ["fade"] = 1.5 }, null, null, null)],
            [new MetricSummary("fade", 1, 1.5, 1.5, 0, double.NaN, double.NaN)], [new EvalProblem("x\"<y>.jpg", "unreadable", "bad <data>")],
            HasInput: false, HasReference: false);
        var html = HtmlReportWriter.ToHtml(report);
        Assert.Contains("&lt;b&gt;&amp;.png", html);
        Assert.DoesNotContain("<b>&.png", html);
        Assert.Contains("bad &lt;data&gt;", html);
    }

    static int CountOf(string s, string what)
    {
        int n = 0, i = 0;
        while ((i = s.IndexOf(what, i, StringComparison.Ordinal)) >= 0) { n++; i += what.Length; }
        return n;
    }
}
