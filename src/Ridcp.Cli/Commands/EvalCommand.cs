using System.CommandLine;
using Ridcp.Evaluation;
using Ridcp.Metrics;
using Spectre.Console;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp eval --pred DIR [--ref DIR] [--input DIR] [--metrics LIST] -o REPORT [--html]`: scores a folder of
/// dehazed images (no-reference metrics always, full-reference ones against --ref paired by file name) and writes
/// REPORT.csv, REPORT.json and optionally REPORT.html.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var pred = new Option<string>("--pred") { Description = "Folder of images to score (e.g. the dehazed outputs)", Required = true };
        var reference = new Option<string?>("--ref") { Description = "Folder of ground-truth images, paired by file name (same name or same stem); needed by psnr/ssim/ciede2000" };
        var input = new Option<string?>("--input") { Description = "Folder of the input (hazy) images, paired by file name: their scores are reported beside" };
        var metrics = new Option<string?>("--metrics")
        {
            Description = $"Comma-separated metrics ({string.Join(", ", Metric.Names)}); default {EvalOptions.DefaultMetrics} with --ref, else fade,niqe,brisque",
        };
        var output = new Option<string>("--output", "-o") { Description = "Report path without extension: REPORT.csv and REPORT.json (and REPORT.html) are written", Required = true };
        var html = new Option<bool>("--html") { Description = "Also write a self-contained HTML page with the images and their scores, sortable by metric" };
        var verbose = CommonOptions.Verbose();

        var cmd = new Command("eval", "Score images with PSNR/SSIM/CIEDE2000 (against references) and FADE/NIQE/BRISQUE (no reference)");
        foreach (var o in new Option[] { pred, reference, input, metrics, output, html, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            bool v = parse.GetValue(verbose);
            var stdout = parse.InvocationConfiguration.Output;
            EvalOptions options;
            try
            {
                var refDir = parse.GetValue(reference);
                var list = Metric.ParseList(parse.GetValue(metrics) ?? (refDir is null ? "fade,niqe,brisque" : EvalOptions.DefaultMetrics));
                options = new EvalOptions(parse.GetValue(pred)!, list, EvalOptions.ReportBaseOf(parse.GetValue(output)!),
                                          refDir, parse.GetValue(input), parse.GetValue(html));
                options.Validate();
            }
            catch (Exception e) { return CliErrors.Report(parse, e, v); }

            EvalReport report;
            try { report = RunWithProgress(parse, options); }
            catch (Exception e) { return CliErrors.Report(parse, e, v); }

            IReadOnlyList<string> written;
            try { written = []; CliErrors.Writing(() => written = ReportFiles.Write(report, options)); }
            catch (Exception e) { return CliErrors.Report(parse, e, v); }

            RenderTable(stdout, report);
            foreach (var p in report.Problems) parse.InvocationConfiguration.Error.WriteLine($"error: {p.File}: {p.Message}");
            foreach (var f in written) stdout.WriteLine(f);
            return report.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.PartialFailure;
        });
        return cmd;
    }

    static EvalReport RunWithProgress(ParseResult parse, EvalOptions options)
    {
        if (!CommonOptions.IsInteractive(parse)) return Evaluator.Run(options);
        return AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("scoring");
            return Evaluator.Run(options, (done, total, _) => { task.MaxValue = total; task.Value = done; });
        });
    }

    /// <summary>The terminal table: one row per image (input scores in brackets), then mean and median.</summary>
    static void RenderTable(TextWriter writer, EvalReport report)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = ReferenceEquals(writer, Console.Out) ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(writer, Console.Out) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!ReferenceEquals(writer, Console.Out)) console.Profile.Width = 160; // redirected: no terminal width to follow
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("file");
        // Each header names the metric, its better direction and, with --input, that the bracketed figure is the input's.
        foreach (var m in report.Metrics)
            table.AddColumn(new TableColumn(Markup.Escape(m.Column + (m.HigherIsBetter ? " ↑" : " ↓") + (report.HasInput ? " (input)" : ""))).RightAligned());
        table.Caption(Markup.Escape("↑ higher is better, ↓ lower is better" + (report.HasInput ? "; (input): the hazy input's score" : "")));
        foreach (var img in report.Images)
            table.AddRow([Markup.Escape(img.File), .. report.Metrics.Select(m => Cell(img.Prediction[m.Column], img.Input?[m.Column]))]);
        if (report.Images.Count > 1)
        {
            table.AddEmptyRow();
            table.AddRow(["[bold]mean[/]", .. report.Summary.Select(s => Cell(s.Mean, report.HasInput ? s.InputMean : null))]);
            table.AddRow(["[bold]median[/]", .. report.Summary.Select(s => Cell(s.Median, report.HasInput ? s.InputMedian : null))]);
        }
        console.Write(table);
    }

    static string Cell(double pred, double? input) =>
        Markup.Escape(ReportNumbers.Short(pred)) + (input is null ? "" : " [grey](" + Markup.Escape(ReportNumbers.Short(input.Value)) + ")[/]");
}
