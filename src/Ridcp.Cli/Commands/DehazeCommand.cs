using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ridcp.Baselines;
using Ridcp.Imaging;
using Ridcp.Inference;
using Ridcp.Inference.Streaming;
using Ridcp.Matching;

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
        { Description = $"CHM weight file (official weight_for_matching_dehazing_Flickr.pth): controllable matching; with the bundled model, {BundledModel.ChmWeightRelativePath} where an alpha is asked for" };
        var alpha = new Option<string?>("--alpha")
        { Description = $"CHM alpha (needs a CHM weight; default {Dehazer.OfficialAlpha.ToString(CultureInfo.InvariantCulture)}; 0 = plain matching), or 'auto': chosen per image by the KL criterion against the clear statistics beside the CHM weight" };
        var alphaRange = ChmCommand.RangeOption();
        alphaRange.Description = "Range searched by --alpha auto, MIN:MAX";
        var alphaSweep = new Option<string?>("--alpha-sweep")
        { Description = "FROM:TO:STEP: one output per alpha (NAME_alphaA.ext) and a contact sheet (NAME_sweep.ext); needs a CHM weight" };
        var maxSize = new Option<int?>("--max-size")
        { Description = $"Process images with h*w >= max-size^2 at half size and upsample the result (the official rule: --max-size {MaxSizeRule.OfficialMaxSize}); default: every image at its own size" };
        var maxMemory = new Option<string?>("--max-memory")
        { Description = $"Memory budget such as 600M or 2G; larger images run stage by stage in stripes, feature maps in temporary files, same result (default: {MemoryBudget.DefaultShareOfAvailable:P0} of the available memory)" };
        var maxPixels = new Option<long>("--max-pixels")
        { Description = "Refuse images with more pixels than this, checked from the file header before decoding", DefaultValueFactory = _ => ImageFile.MaxPixels };
        var bitDepth = new Option<int>("--bit-depth")
        { Description = "Bits per channel of PNG outputs: 8 (as the official inference) or 16", DefaultValueFactory = _ => 8 };
        var method = new Option<string>("--method")
        { Description = "ridcp (the network) or dcp (dark channel prior baseline, He et al.; no weights, full resolution)", DefaultValueFactory = _ => "ridcp" };
        method.AcceptOnlyFromAmong("ridcp", "dcp");
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var verbose = CommonOptions.Verbose();
        var shard = new Option<string?>("--shard")
        { Description = "K/N: only part K (0..N-1) of a folder, the images in file-name order dealt round-robin; for job arrays (docs/scale-out.md)" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Leave images whose output file already exists (resume a batch)" };

        var cmd = new Command("dehaze", "Dehaze an image or a folder of images with RIDCP (or the dark channel prior baseline)");
        cmd.Arguments.Add(input);
        foreach (var o in new Option[] { output, weights, chm, alpha, alphaRange, alphaSweep, maxSize, maxMemory, maxPixels, bitDepth, method, device, precision, shard, skipExisting, verbose }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            bool v = parse.GetValue(verbose);
            var stdout = parse.InvocationConfiguration.Output;
            IReadOnlyList<DehazeItem> items;
            Dehazer dehazer;
            DehazerOptions options;
            string? alphaText = parse.GetValue(alpha);
            bool auto = string.Equals(alphaText, "auto", StringComparison.OrdinalIgnoreCase);
            IReadOnlyList<double>? sweep = null;
            AlphaSearchOptions? autoRange = null;
            long pixels = parse.GetValue(maxPixels);
            if (pixels <= 0) return CliErrors.Report(parse, new ArgumentException($"--max-pixels must be positive, got {pixels}"), v);
            Func<IReadOnlyList<DehazeItem>, IReadOnlyList<DehazeItem>> select = all => Select(parse, all, parse.GetValue(shard), parse.GetValue(skipExisting));
            if (parse.GetValue(method) == "dcp") return RunDarkChannelPrior(parse, input, output, bitDepth, select, pixels, v,
                parse.GetValue(weights) is not null || parse.GetValue(chm) is not null || alphaText is not null || parse.GetValue(alphaSweep) is not null);
            try
            {
                float? fixedAlpha = alphaText is null || auto ? null
                    : float.TryParse(alphaText, NumberStyles.Float, CultureInfo.InvariantCulture, out float a) ? a
                    : throw new ArgumentException($"--alpha must be a number or 'auto', got '{alphaText}'");
                if (parse.GetValue(alphaSweep) is string sweepSpec)
                {
                    if (alphaText is not null) throw new ArgumentException("--alpha-sweep and --alpha exclude each other");
                    sweep = AlphaSweep.Parse(sweepSpec);
                }
                if (auto) autoRange = ChmCommand.SearchOptions(parse.GetValue(alphaRange), 1.0);
                options = new DehazerOptions
                {
                    WeightsPath = parse.GetValue(weights) ?? "",
                    ChmWeightPath = parse.GetValue(chm),
                    Alpha = fixedAlpha,
                    MaxSize = parse.GetValue(maxSize),
                    MaxMemoryBytes = parse.GetValue(maxMemory) is string mm ? MemoryBudget.Parse(mm) : null,
                    Device = parse.GetValue(device) ?? "cpu",
                    Precision = PrecisionSupport.Parse(parse.GetValue(precision)),
                };
                items = DehazePlan.Make(parse.GetValue(input)!, parse.GetValue(output)!);
                DehazePlan.CheckBitDepth(items, parse.GetValue(bitDepth));
                if (sweep is not null && parse.GetValue(skipExisting)) throw new ArgumentException("--skip-existing does not apply to --alpha-sweep (one input, many outputs)");
                if (sweep is not null) AlphaSweep.CheckOutputs(items, sweep);
                items = select(items);
                if (items.Count == 0) return NothingToDo(parse);
                options = BundledModel.Complete(options, needsChm: fixedAlpha is not null || auto || sweep is not null);
                if ((auto || sweep is not null) && options.ChmWeightPath is null)
                    throw new ArgumentException($"{(auto ? "--alpha auto" : "--alpha-sweep")} needs a CHM weight (--chm-weight FILE)");
                options.Validate();
                dehazer = Dehazer.Load(options);
            }
            catch (Exception e)
            {
                return CliErrors.Report(parse, e, v);
            }
            using (dehazer)
            {
                if (v) foreach (var note in dehazer.LoadNotes) stdout.WriteLine(note);
                int depth = parse.GetValue(bitDepth);
                // Progress inside the current image (stripes of a large image, alphas of a sweep), fraction and line.
                Action<double, string>? part = null;
                // A report per stage (dozens per image), not per stripe: a redirected log stays readable.
                dehazer.StripeProgress = p => { if (p.Stripe == p.Stripes) part?.Invoke(p.Fraction, $"stage {p.Stage}/{p.Stages}: {p.StageName}"); };
                Runner run = (its, done, onPart) => { part = onPart; return DehazeRun.Run(its, dehazer.Dehaze, done, depth, pixels); };
                Func<string> detail = () => v && dehazer.LastStripeBytes is { } b
                    ? $", in stripes of {MemoryBudget.Describe(b)} at most" : "";
                if (sweep is not null)
                    run = (its, done, onPart) => AlphaSweep.Run(dehazer, its, sweep, done,
                        (i, a) => onPart?.Invoke((i + 1.0) / sweep.Count, $"{AlphaSweep.Label(a)} ({i + 1}/{sweep.Count})"), pixels);
                if (auto)
                {
                    PerImageAlpha chooser;
                    try { chooser = new PerImageAlpha(dehazer, PerImageAlpha.ClearStatisticsFor(options.ChmWeightPath!), autoRange!); }
                    catch (Exception e) { return CliErrors.Report(parse, e, v); }
                    double last = double.NaN;
                    run = (its, done, onPart) => { part = onPart; return DehazeRun.Run(its, img => { var (o, c) = chooser.Dehaze(img); last = c.Alpha; return o; }, done, depth, pixels); };
                    detail = () => ", alpha " + last.ToString("0.##", CultureInfo.InvariantCulture);
                }
                if (!DehazePlan.IsFolder(parse.GetValue(input)!)) return RunOne(parse, run, items[0], v, detail);
                return RunFolder(parse, run, items, v, detail);
            }
        });
        return cmd;
    }

    /// <summary>--method dcp: the dark channel prior baseline (Ridcp.Baselines.DarkChannelPrior), no network.</summary>
    static int RunDarkChannelPrior(ParseResult parse, Argument<string> input, Option<string> output, Option<int> bitDepth,
                                   Func<IReadOnlyList<DehazeItem>, IReadOnlyList<DehazeItem>> select, long maxPixels, bool verbose, bool networkOptionsGiven)
    {
        IReadOnlyList<DehazeItem> items;
        try
        {
            if (networkOptionsGiven) throw new ArgumentException("--weights, --chm-weight, --alpha and --alpha-sweep belong to --method ridcp, not dcp");
            items = DehazePlan.Make(parse.GetValue(input)!, parse.GetValue(output)!);
            DehazePlan.CheckBitDepth(items, parse.GetValue(bitDepth));
            items = select(items);
        }
        catch (Exception e) { return CliErrors.Report(parse, e, verbose); }
        if (items.Count == 0) return NothingToDo(parse);
        int depth = parse.GetValue(bitDepth);
        Runner run = (its, done, _) => DehazeRun.Run(its, DarkChannelPrior.Dehaze, done, depth, maxPixels);
        if (!DehazePlan.IsFolder(parse.GetValue(input)!)) return RunOne(parse, run, items[0], verbose, () => "");
        return RunFolder(parse, run, items, verbose, () => "");
    }

    /// <summary>--shard K/N and --skip-existing: the part of the plan this run does (the command says what it left).</summary>
    static IReadOnlyList<DehazeItem> Select(ParseResult parse, IReadOnlyList<DehazeItem> all, string? shardText, bool skipExisting)
    {
        var shard = shardText is null ? DehazeShard.Whole : DehazeShard.Parse(shardText);
        var items = shard.Select(all);
        var stdout = parse.InvocationConfiguration.Output;
        if (shard != DehazeShard.Whole) stdout.WriteLine($"shard {shard}: {items.Count} of {all.Count} images");
        if (!skipExisting) return items;
        var todo = DehazePlan.WithoutExistingOutputs(items);
        if (todo.Count < items.Count) stdout.WriteLine($"skipping {items.Count - todo.Count} image(s) whose output exists");
        return todo;
    }

    static int NothingToDo(ParseResult parse)
    {
        parse.InvocationConfiguration.Output.WriteLine("nothing to do: no image left for this run (--shard, --skip-existing)");
        return ExitCodes.Ok;
    }

    /// <summary>Dehazes items (plain, per-image alpha or alpha sweep), calling back after each item and after each
    /// part of an item (a stage of an image run in stripes, an alpha of a sweep) with the fraction of the item done and a line.</summary>
    internal delegate IReadOnlyList<DehazeItemResult> Runner(IReadOnlyList<DehazeItem> items, Action<DehazeItemResult>? onItemDone,
                                                    Action<double, string>? onPartDone);

    /// <summary>One image: on a terminal a bar over its stages (or alphas), redirected a line per stage (or alpha).</summary>
    internal static int RunOne(ParseResult parse, Runner run, DehazeItem item, bool verbose, Func<string> detail)
    {
        var r = ProgressDisplay.Run(parse, Path.GetFileName(item.Input), 1, step =>
        {
            var result = run([item], null, (fraction, line) => step(fraction, line))[0];
            step(1, null);   // an image that ran whole reports no parts: the bar still ends full
            return result;
        });
        if (!r.Ok) return CliErrors.Report(parse, r.Error!, verbose);
        parse.InvocationConfiguration.Output.WriteLine($"{r.Item.Output} ({Seconds(r.Elapsed)}{detail()})");
        return ExitCodes.Ok;
    }

    /// <summary>A folder: on a terminal one bar over the images (advancing with the stages of each) with the time
    /// left; redirected a line per image.</summary>
    internal static int RunFolder(ParseResult parse, Runner run, IReadOnlyList<DehazeItem> items, bool verbose, Func<string> detail, (string Doing, string Done)? verb = null)
    {
        var stdout = parse.InvocationConfiguration.Output;
        int jpegs = DehazePlan.JpegReencodes(items);
        if (jpegs > 0)
            stdout.WriteLine($"note: {jpegs} output(s) are JPEG like their inputs, encoded again at quality 95 (lossy); dehaze a single file to choose .png");
        var clock = Stopwatch.StartNew();
        var (doing, doneWord) = verb ?? ("dehazing", "dehazed");
        var results = ProgressDisplay.Run(parse, doing, items.Count, step =>
        {
            int done = 0;
            return run(items, r =>
            {
                done++;
                if (!r.Ok) CliErrors.Report(parse, r.Error!, verbose, Path.GetFileName(r.Item.Input));
                step(done, r.Ok ? $"{r.Item.Output} ({Seconds(r.Elapsed)}{detail()})" : null);
            }, (fraction, _) => step(done + fraction, null));
        });
        var failed = results.Where(r => !r.Ok).ToList();
        stdout.WriteLine($"{results.Count - failed.Count} of {results.Count} images {doneWord} in {Seconds(clock.Elapsed)}");
        if (failed.Count == 0) return ExitCodes.Ok;
        parse.InvocationConfiguration.Error.WriteLine(
            $"error: {failed.Count} of {results.Count} images failed: {string.Join(", ", failed.Select(f => Path.GetFileName(f.Item.Input)))}");
        return BatchExitCode(results.Count, failed.Select(f => CliErrors.ExitCodeFor(f.Error!)).ToList());
    }

    /// <summary>Exit code of a batch with failures: 1 when some items were written; when none was, the failures' own
    /// code (3 bad input, 4 output error, ...) if they agree, else 3 — "some written" would be a lie.</summary>
    internal static int BatchExitCode(int total, IReadOnlyList<int> failureCodes)
    {
        if (failureCodes.Count < total) return ExitCodes.PartialFailure;
        return failureCodes.Distinct().Count() == 1 ? failureCodes[0] : ExitCodes.BadInput;
    }

    static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
