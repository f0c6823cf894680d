using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ridcp.Inference;
using Spectre.Console;

namespace Ridcp.Cli.Commands;

/// <summary>`ridcp dehaze INPUT -o OUTPUT`: the official inference_ridcp.py on an image or a folder.</summary>
public static class DehazeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "An image (.png, .jpg, ...) or a folder of images" };
        var output = new Option<string>("--output", "-o")
        { Description = "Output image (.png or .jpg, chosen by extension), or a folder when INPUT is a folder", Required = true };
        var weights = new Option<string?>("--weights")
        { Description = $"Network checkpoint (official pretrained_RIDCP.pth or one of ours); default: {BundledModel.RelativePath}" };
        var chm = new Option<string?>("--chm-weight")
        { Description = "CHM weight file (official weight_for_matching_dehazing_Flickr.pth): controllable matching" };
        var alpha = new Option<float?>("--alpha")
        { Description = $"CHM alpha (needs --chm-weight; default {Dehazer.OfficialAlpha.ToString(CultureInfo.InvariantCulture)}; 0 = plain matching)" };
        var maxSize = new Option<int>("--max-size")
        { Description = "Images with h*w >= max-size^2 are processed at half size (official rule)", DefaultValueFactory = _ => MaxSizeRule.DefaultMaxSize };
        var device = CommonOptions.Device();
        var verbose = CommonOptions.Verbose();

        var cmd = new Command("dehaze", "Dehaze an image or a folder of images with RIDCP");
        cmd.Arguments.Add(input);
        foreach (var o in new Option[] { output, weights, chm, alpha, maxSize, device, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            bool v = parse.GetValue(verbose);
            var stdout = parse.InvocationConfiguration.Output;
            IReadOnlyList<DehazeItem> items;
            Dehazer dehazer;
            try
            {
                var options = new DehazerOptions
                {
                    WeightsPath = parse.GetValue(weights) ?? "",
                    ChmWeightPath = parse.GetValue(chm),
                    Alpha = parse.GetValue(alpha),
                    MaxSize = parse.GetValue(maxSize),
                    Device = parse.GetValue(device) ?? "cpu",
                };
                options.Validate();
                items = DehazePlan.Make(parse.GetValue(input)!, parse.GetValue(output)!);
                if (options.WeightsPath == "") options = options with { WeightsPath = BundledModel.Resolve() };
                dehazer = Dehazer.Load(options);
            }
            catch (Exception e)
            {
                return CliErrors.Report(parse, e, v);
            }
            using (dehazer)
            {
                if (v) foreach (var note in dehazer.LoadNotes) stdout.WriteLine(note);
                if (items.Count == 1 && !DehazePlan.IsFolder(parse.GetValue(input)!))
                    return RunOne(parse, dehazer, items[0], v);
                return RunFolder(parse, dehazer, items, v);
            }
        });
        return cmd;
    }

    static int RunOne(ParseResult parse, Dehazer dehazer, DehazeItem item, bool verbose)
    {
        var r = DehazeRun.Run([item], dehazer.Dehaze)[0];
        if (!r.Ok) return CliErrors.Report(parse, r.Error!, verbose);
        parse.InvocationConfiguration.Output.WriteLine($"{item.Output} ({Seconds(r.Elapsed)})");
        return ExitCodes.Ok;
    }

    static int RunFolder(ParseResult parse, Dehazer dehazer, IReadOnlyList<DehazeItem> items, bool verbose)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var clock = Stopwatch.StartNew();
        IReadOnlyList<DehazeItemResult> results;
        if (CommonOptions.IsInteractive(parse))
        {
            results = AnsiConsole.Progress().AutoClear(false).Start(ctx =>
            {
                var task = ctx.AddTask("dehazing", maxValue: items.Count);
                return DehazeRun.Run(items, dehazer.Dehaze, r =>
                {
                    if (!r.Ok) CliErrors.Report(parse, r.Error!, verbose, Path.GetFileName(r.Item.Input));
                    task.Increment(1);
                });
            });
        }
        else
        {
            results = DehazeRun.Run(items, dehazer.Dehaze, r =>
            {
                if (r.Ok) stdout.WriteLine($"{r.Item.Output} ({Seconds(r.Elapsed)})");
                else CliErrors.Report(parse, r.Error!, verbose, Path.GetFileName(r.Item.Input));
            });
        }
        var failed = results.Where(r => !r.Ok).ToList();
        stdout.WriteLine($"{results.Count - failed.Count} of {results.Count} images dehazed in {Seconds(clock.Elapsed)}");
        if (failed.Count == 0) return ExitCodes.Ok;
        parse.InvocationConfiguration.Error.WriteLine(
            $"error: {failed.Count} of {results.Count} images failed: {string.Join(", ", failed.Select(f => Path.GetFileName(f.Item.Input)))}");
        return ExitCodes.PartialFailure;
    }

    static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
